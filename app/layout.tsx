import type { ReactNode } from 'react';

export const metadata = { title: 'xipu-gateway', description: 'OpenAI-compatible API for XIPU AI' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 720, margin: '3rem auto', padding: '0 1rem', lineHeight: 1.5 }}>
        {children}
      </body>
    </html>
  );
}
