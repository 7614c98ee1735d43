import { after } from 'next/server';
import { productionAdminDependencies } from './admin-dependencies';
import { createAdminRoutes } from './create-admin-routes';

/** The admin routes as app/admin/** exports them (no browser here: see admin-log-in-route.ts). */
export const adminRoutes = createAdminRoutes(productionAdminDependencies((task) => after(task)));
