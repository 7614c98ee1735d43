/** `API · gpt-4.1 · 2026-11-22 04:36 UTC`: the owner recognises the gateway's sessions in the web history. */
export function sessionName(model: string, at: number): string {
  const stamp = new Date(at).toISOString().slice(0, 16).replace('T', ' ');
  return `API · ${model} · ${stamp} UTC`;
}
