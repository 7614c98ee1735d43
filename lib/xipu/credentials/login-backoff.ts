/**
 * How long to wait after failed logins: 1, 2, 4 … minutes, at most an hour — a wrong
 * password must not hammer the school's SSO or lock the account.
 */
const FIRST_DELAY_MS = 60_000;
const LONGEST_DELAY_MS = 3_600_000;

export function loginBackoffMs(consecutiveFailures: number): number {
  if (consecutiveFailures <= 0) return 0;
  return Math.min(LONGEST_DELAY_MS, FIRST_DELAY_MS * 2 ** (consecutiveFailures - 1));
}
