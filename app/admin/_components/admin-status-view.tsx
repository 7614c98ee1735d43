import type { ActionResult } from '@/lib/admin/view/action-result';
import { formatUtc } from '@/lib/admin/view/format-time';
import type { AdminViewConfig } from '@/lib/admin/view/load-admin-view';
import type { AdminChatChoices } from '@/lib/admin/view/read-chat-choices';
import { PANEL_TITLES, type AdminStatus, type PanelId } from '@/lib/admin/view/read-admin-status';
import { ActionButton } from './action-button';
import { ChatPanel } from './chat-panel';
import { describeClientSetups } from '@/lib/admin/view/describe-client-setups';
import { ClientSetupsPanel } from './client-setups-panel';
import { ConfigurationPanel } from './configuration-panel';
import { CredentialsPanel } from './credentials-panel';
import { HeartbeatPanel } from './heartbeat-panel';
import { KeysPanel } from './keys-panel';
import { LoginPanel } from './login-panel';
import { PacerPanel } from './pacer-panel';
import { ProvidersPanel } from './providers-panel';
import { ReachabilityPanel } from './reachability-panel';
import { SessionPoolPanel } from './session-pool-panel';
import { SessionsPanel } from './sessions-panel';
import { StatusBadge } from './status-badge';
import { TrafficPanel } from './traffic-panel';

const RESULT_LEVELS = { ok: 'green', failed: 'red', info: 'unknown' } as const;

/** The signed-in page: the verdict, every panel at a glance, then each panel with its actions. */
export function AdminStatusView({ status, open, result, config, chat }: { status: AdminStatus; open: boolean; result?: ActionResult; config: AdminViewConfig; chat: AdminChatChoices }) {
  const now = status.generatedAt;
  const { panels } = status;
  const order = Object.keys(PANEL_TITLES) as PanelId[];
  // Several accounts: the account panels describe the selected one, and its actions name it.
  const several = status.accounts.list.length > 1;
  const account = several ? status.accounts.selected : undefined;
  return (
    <>
      <header className="top">
        <div>
          <h1>xipu-gateway admin</h1>
          <p>
            As of {formatUtc(now)} · <a href="/admin">Refresh</a>
          </p>
        </div>
        {open ? null : (
          <ActionButton action="sign-out" secondary>
            Sign out
          </ActionButton>
        )}
      </header>

      {open ? (
        <div className="banner banner-red" role="alert">
          <strong>This page is open to anyone who can reach this port.</strong>
          ADMIN_PASSWORD is not set, so there is no sign-in: whoever reaches this server can see this page and press its buttons. Set ADMIN_PASSWORD
          before exposing the gateway (a hosted deployment refuses to show the page without it).
        </div>
      ) : null}
      {config.demoMode ? (
        <div className="banner banner-amber">
          <strong>DEMO MODE</strong>
          No XIPU credentials are set: answers come from the built-in simulator, not XIPU.
        </div>
      ) : null}
      {result ? (
        <div className={`banner banner-${RESULT_LEVELS[result.outcome]}`} role="status" id="action-result">
          <strong>
            {result.outcome === 'ok' ? 'Done' : result.outcome === 'failed' ? 'Failed' : 'Note'} · {result.action}
          </strong>
          {result.message}
        </div>
      ) : null}
      {status.problems.length > 0 ? (
        <div className="banner banner-red" role="alert">
          <strong>Some reads failed</strong>
          {status.problems.join(' · ')}
        </div>
      ) : null}

      <section className={`overall level-${status.overall.level}`} aria-labelledby="overall-title">
        <h2 id="overall-title">
          <StatusBadge level={status.overall.level} /> Is it working?
        </h2>
        <p>{status.overall.reason}</p>
        {status.overall.checks ? (
          <ul className="checks" aria-label="Health checks (as GET /api/health sees them)">
            {status.overall.checks.map((check) => (
              <li key={check.id}>
                <StatusBadge level={check.level} /> <span className="mono">{check.id}</span>: {check.reason}
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      {several ? (
        <nav aria-label="XIPU accounts" className="accounts">
          <h2>XIPU accounts</h2>
          <ul className="glance">
            {status.accounts.list.map((entry) => (
              <li key={entry.id}>
                <a href={`/admin?account=${encodeURIComponent(entry.id)}`} className={`level-${entry.level}`} aria-current={entry.id === status.accounts.selected ? 'page' : undefined}>
                  <StatusBadge level={entry.level} />
                  <span>
                    <span className="title mono">{entry.id}</span>
                    {entry.id === status.accounts.selected ? ' (shown below)' : ''} <span className="why">— {entry.reason}</span>
                  </span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}

      <nav aria-label="At a glance">
        <ul className="glance">
          {order.map((id) => (
            <li key={id}>
              <a href={`#${id}`} className={`level-${panels[id].level}`}>
                <StatusBadge level={panels[id].level} />
                <span>
                  <span className="title">{PANEL_TITLES[id]}</span> <span className="why">— {panels[id].reason}</span>
                </span>
              </a>
            </li>
          ))}
        </ul>
      </nav>

      <ChatPanel choices={chat} />

      <div className="panels">
        <CredentialsPanel panel={panels.credentials} now={now} title={accountTitle(PANEL_TITLES.credentials, account)} account={account} />
        <LoginPanel panel={panels.login} now={now} title={accountTitle(PANEL_TITLES.login, account)} account={account} />
        <HeartbeatPanel panel={panels.heartbeat} now={now} title={accountTitle(PANEL_TITLES.heartbeat, account)} account={account} />
        <PacerPanel panel={panels.pacer} title={accountTitle(PANEL_TITLES.pacer, account)} />
        <SessionsPanel panel={panels.sessions} now={now} title={accountTitle(PANEL_TITLES.sessions, account)} account={account} />
        <SessionPoolPanel panel={panels.sessionPool} now={now} title={accountTitle(PANEL_TITLES.sessionPool, account)} />
        <ReachabilityPanel panel={panels.reachability} now={now} title={PANEL_TITLES.reachability} account={account} />
        <ProvidersPanel panel={panels.providers} title={PANEL_TITLES.providers} now={now} />
        <TrafficPanel panel={panels.traffic} now={now} title={PANEL_TITLES.traffic} />
        <KeysPanel panel={panels.keys} now={now} title={PANEL_TITLES.keys} />
        <ConfigurationPanel panel={panels.configuration} title={PANEL_TITLES.configuration} />
        <ClientSetupsPanel setups={describeClientSetups(config.origin)} origin={config.origin} />
      </div>
    </>
  );
}

/** A per-account panel's title names the account when there are several. */
function accountTitle(title: string, account: string | undefined): string {
  return account ? `${title} · ${account}` : title;
}
