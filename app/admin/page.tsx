import { headers } from 'next/headers';
import { productionAdminDependencies } from '@/lib/admin/context/admin-dependencies';
import { adminStatusSources } from '@/lib/admin/view/admin-status-sources';
import { loadAdminView } from '@/lib/admin/view/load-admin-view';
import { readRequestOrigin } from '@/lib/admin/access/read-request-origin';
import { AdminStatusView } from './_components/admin-status-view';
import { ADMIN_STYLES } from './_components/admin-styles';
import { FRAME_GUARD_SCRIPT } from './_components/frame-guard-script';
import { NoticeView } from './_components/notice-view';
import { SignInView } from './_components/sign-in-view';

// Rendered per request, never cached (Next sends Cache-Control: private, no-cache, no-store).
export const dynamic = 'force-dynamic';
export const metadata = { title: 'Admin · xipu-gateway', robots: { index: false, follow: false } };

/** GET /admin: the status page. What it shows depends on the session: see loadAdminView. */
export default async function AdminPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const requestHeaders = await headers();
  const view = await loadAdminView({
    cookieHeader: requestHeaders.get('cookie'),
    origin: readRequestOrigin(requestHeaders),
    searchParams: await searchParams,
    dependencies: productionAdminDependencies(() => undefined),
    sources: adminStatusSources,
  });
  return (
    <main className="admin">
      <script dangerouslySetInnerHTML={{ __html: FRAME_GUARD_SCRIPT }} />
      <style dangerouslySetInnerHTML={{ __html: ADMIN_STYLES }} />
      {view.kind === 'status' ? (
        <AdminStatusView status={view.status} open={view.open} result={view.result} config={view.config} chat={view.chat} />
      ) : view.kind === 'sign-in' ? (
        <SignInView notice={view.notice} cookieWillNotStick={view.cookieWillNotStick} />
      ) : view.kind === 'not-configured' ? (
        <NoticeView title="The admin page is off">
          <p>
            Set <code>ADMIN_PASSWORD</code> (a long random value, e.g. from <code>openssl rand -base64 24</code>) in the deployment&apos;s
            environment variables — on Vercel: Project → Settings → Environment Variables — and redeploy. Then sign in here.
          </p>
        </NoticeView>
      ) : view.kind === 'unavailable' ? (
        <NoticeView title="The gateway cannot run">
          <p>{view.message}</p>
        </NoticeView>
      ) : (
        <NoticeView title="The gateway is misconfigured">
          <p>{view.message}</p>
        </NoticeView>
      )}
    </main>
  );
}
