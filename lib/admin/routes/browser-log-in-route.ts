import { after } from 'next/server';
import { createBrowserLogin } from '@/lib/xipu/credentials/create-browser-login';
import { productionAdminDependencies } from '../context/admin-dependencies';
import { createAdminLogInRoute } from './route-table';

/**
 * POST /admin/actions/log-in with the real browser login. The only admin module that
 * imports the browser login, so the other admin routes stay small; on Vercel this route
 * needs Chromium's files traced like /api/login (next.config.mjs BROWSER_ROUTES).
 */
export const adminLogInRoute = createAdminLogInRoute(productionAdminDependencies((task) => after(task)), createBrowserLogin);
