import type { ClientSetup } from '@/lib/admin/view/describe-client-setups';

/** "Connect a client": each client's setup with this deployment's URL, ready to copy. */
export function ClientSetupsPanel({ setups, origin }: { setups: ClientSetup[]; origin: string }) {
  return (
    <section id="clients" className="panel wide" aria-labelledby="clients-title">
      <h2 id="clients-title">Connect a client</h2>
      <p className="reason">
        This deployment is <code>{origin}</code>. Paste a setup below into the client, with one of the API keys in place of the placeholder.
      </p>
      {setups.map((setup) => (
        <details key={setup.client}>
          <summary>{setup.client}</summary>
          <pre className="mono">{setup.setup}</pre>
          {setup.notes ? <p className="note">{setup.notes}</p> : null}
        </details>
      ))}
    </section>
  );
}
