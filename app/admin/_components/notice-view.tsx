import type { ReactNode } from 'react';

/** A page with one message and nothing else (admin page off, gateway misconfigured). */
export function NoticeView({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="signin" aria-labelledby="notice-title">
      <h1 id="notice-title">{title}</h1>
      {children}
    </section>
  );
}
