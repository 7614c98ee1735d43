import { isAdminRequest } from '@/lib/admin/access/read-admin-access';
import { createHealthRoutes } from './health';

/** GET /api/health: the status for anyone; the checks behind it for a signed-in admin. */
export const healthRoutes = createHealthRoutes({
  isAdmin: (request, context) => isAdminRequest(request, context.config, context.now()),
});
