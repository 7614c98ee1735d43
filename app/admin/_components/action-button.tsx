import type { ReactNode } from 'react';

/**
 * One admin action: a POST form with one button. The server checks the session and the
 * origin on every POST; the page adds nothing secret to the form.
 */
export function ActionButton({ action, children, secondary = false }: { action: string; children: ReactNode; secondary?: boolean }) {
  return (
    <form method="post" action={`/admin/actions/${action}`}>
      <button type="submit" className={secondary ? 'secondary' : undefined}>
        {children}
      </button>
    </form>
  );
}
