/**
 * The texts the simulated login portal and SSO show. The real pages' wording is unknown
 * (docs/xipu-protocol "Login" records only selectors); these are the simulator's own, kept
 * here so tests and the login's diagnostics can match them.
 */
export const portalMessages = {
  invalidCredentials: 'Invalid username or password.',
  /** The `login-refused` fault. */
  accountLocked: 'Your account is locked. Try again in 30 minutes.',
  /** The `portal-unexpected-page` fault. */
  maintenance: 'System maintenance — please try later',
  invalidTicket: 'Invalid or expired ticket. Please sign in again.',
  invalidService: 'Invalid service: this application is not registered with the SSO.',
  badForm: 'The login form could not be read.',
} as const;
