/**
 * How far a client's text fell behind what the upstream had written: the benchmark's measure of
 * the tool detector's hold-back (scripts/bench/tools-section.ts). Both sides on one clock.
 */
import { median } from './stats';

/** A stream's text over time: per step, when and the characters so far (cumulative, non-decreasing). */
export interface TextTimeline {
  at: readonly number[];
  chars: readonly number[];
}

/** Per character position of one stream (or the median of several). */
export interface LagProfile {
  /** From the character's write upstream to its arrival at the client. */
  ms: number[];
  /** When the character was written: the characters written so far that the client had not received. */
  chars: number[];
}

/**
 * The lag of each character both sides have (the shorter text), from the upstream's write
 * times and the client's arrival times.
 */
export function lagProfile(upstream: TextTimeline, client: TextTimeline): LagProfile {
  const length = Math.min(upstream.chars.at(-1) ?? 0, client.chars.at(-1) ?? 0);
  const profile: LagProfile = { ms: [], chars: [] };
  let sent = 0;
  let arrived = 0;
  let received = 0;
  let receivedStep = 0;
  for (let position = 0; position < length; position += 1) {
    while ((upstream.chars[sent] ?? Infinity) <= position) sent += 1;
    while ((client.chars[arrived] ?? Infinity) <= position) arrived += 1;
    const writtenAt = upstream.at[sent] ?? Number.NaN;
    while (receivedStep < client.at.length && (client.at[receivedStep] ?? Infinity) <= writtenAt) {
      received = client.chars[receivedStep] ?? received;
      receivedStep += 1;
    }
    profile.ms.push((client.at[arrived] ?? Number.NaN) - writtenAt);
    profile.chars.push((upstream.chars[sent] ?? 0) - received);
  }
  return profile;
}

/** Per position, the median over the profiles (the positions all of them have). */
export function medianProfile(profiles: readonly LagProfile[]): LagProfile {
  const length = Math.min(...profiles.map((profile) => profile.ms.length));
  const result: LagProfile = { ms: [], chars: [] };
  for (let position = 0; position < (Number.isFinite(length) ? length : 0); position += 1) {
    result.ms.push(median(profiles.map((profile) => profile.ms[position] ?? Number.NaN)));
    result.chars.push(median(profiles.map((profile) => profile.chars[position] ?? Number.NaN)));
  }
  return result;
}

/** Position by position, `minuend − subtrahend` (the positions both have). */
export function subtractProfile(minuend: LagProfile, subtrahend: LagProfile): LagProfile {
  const length = Math.min(minuend.ms.length, subtrahend.ms.length);
  return {
    ms: minuend.ms.slice(0, length).map((value, position) => value - (subtrahend.ms[position] ?? Number.NaN)),
    chars: minuend.chars.slice(0, length).map((value, position) => value - (subtrahend.chars[position] ?? Number.NaN)),
  };
}

/** The largest value and its first position; NaN at -1 when there is none. */
export function peak(values: readonly number[]): { value: number; at: number } {
  let best = { value: Number.NaN, at: -1 };
  for (const [position, value] of values.entries()) {
    if (Number.isFinite(value) && !(value <= best.value)) best = { value, at: position };
  }
  return best;
}

/** When the timeline had reached `chars` characters; NaN if it never did. */
export function reachedAt(timeline: TextTimeline, chars: number): number {
  const step = timeline.chars.findIndex((count) => count >= chars);
  return step === -1 ? Number.NaN : (timeline.at[step] ?? Number.NaN);
}
