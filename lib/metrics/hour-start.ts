/** One hour in ms: the metrics' bucket size. */
export const HOUR_MS = 3_600_000;

/** The start (epoch ms) of the clock hour holding `at`. */
export function hourStart(at: number): number {
  return Math.floor(at / HOUR_MS) * HOUR_MS;
}
