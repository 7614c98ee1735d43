import { vi } from 'vitest';

/**
 * Records every console line (the gateway's JSON logs) into `lines`, still printing warnings
 * and errors, so a test can check that no secret was logged. Undo with vi.restoreAllMocks().
 */
export function captureConsole(lines: string[]): void {
  for (const method of ['log', 'error', 'warn', 'info'] as const) {
    const original = console[method].bind(console);
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
      if (method === 'error' || method === 'warn') original(...args);
    });
  }
}
