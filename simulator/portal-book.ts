import { randomBytes } from 'node:crypto';
import type { MintedCredentials } from '@/simulator/credential-issuer';

/** A browser signed in to the portal: the credentials its chat page hands to its own XHRs. */
export interface PortalSession {
  account: string;
  credentials: MintedCredentials;
}

/** The login state of the portal and its SSO: CAS-style tickets, SSO sessions, portal sessions. */
export interface PortalBook {
  /** Opens an SSO session (the `CASTGC` cookie's value). */
  openSsoSession(account: string): string;
  /** Issues a service ticket (`ST-…`) for `service`. */
  issueTicket(account: string, service: string): string;
  /** Redeems a ticket issued for `service`: valid once. @returns its account, or undefined. */
  redeemTicket(ticket: string, service: string): string | undefined;
  /** @returns the new portal session's id (the `portal_session` cookie's value). */
  openPortalSession(session: PortalSession): string;
  findPortalSession(id: string): PortalSession | undefined;
  closePortalSession(id: string): void;
}

/** Random bytes in each ticket and session id: unguessable, as CAS asks. */
const ID_BYTES = 24;

/**
 * Keeps the portal's logins. Nothing here expires by time: a portal session lives as long as
 * its credentials work (the portal checks them on every page), tickets until redeemed.
 */
export function createPortalBook(): PortalBook {
  const ssoSessions = new Map<string, string>();
  const tickets = new Map<string, { account: string; service: string }>();
  const portalSessions = new Map<string, PortalSession>();

  return {
    openSsoSession(account) {
      const id = `TGT-${randomId()}`;
      ssoSessions.set(id, account);
      return id;
    },

    issueTicket(account, service) {
      const ticket = `ST-${randomId()}`;
      tickets.set(ticket, { account, service });
      return ticket;
    },

    redeemTicket(ticket, service) {
      const issued = tickets.get(ticket);
      // A ticket is spent by any redemption attempt, as CAS does: a wrong service burns it too.
      tickets.delete(ticket);
      return issued?.service === service ? issued.account : undefined;
    },

    openPortalSession(session) {
      const id = randomId();
      portalSessions.set(id, session);
      return id;
    },

    findPortalSession(id) {
      return portalSessions.get(id);
    },

    closePortalSession(id) {
      portalSessions.delete(id);
    },
  };
}

function randomId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}
