import type { ReactNode } from 'react';

/** `?account=<id>` for the account the page shows, when it names one ('' for the only account). */
export function accountQuery(account: string | undefined, prefix: '?' | '&' = '?'): string {
  return account ? `${prefix}account=${encodeURIComponent(account)}` : '';
}

/**
 * One admin action: a POST form with one button. The server checks the session and the
 * origin on every POST; the page adds nothing secret to the form. With several XIPU
 * accounts, `account` names the one the action is for.
 */
export function ActionButton({ action, children, secondary = false, account }: { action: string; children: ReactNode; secondary?: boolean; account?: string }) {
  return (
    <form method="post" action={`/admin/actions/${action}${accountQuery(account)}`}>
      <button type="submit" className={secondary ? 'secondary' : undefined}>
        {children}
      </button>
    </form>
  );
}
