/** What a caller may set when starting the simulator, and the option values shared by its parts. */

import type { ScriptedReply } from '@/simulator/scripted-replies';

/** `default` follows what is known of XIPU; `strict` takes the harsher side of every unknown. */
export type SimulatorProfile = 'default' | 'strict';

/**
 * What an update of a session id the account no longer has does. The real behaviour is
 * unknown (docs/xipu-protocol "Unknowns"): `error` answers `Session not found`, `new-id`
 * silently creates a new session and answers its id.
 */
export type StaleSessionUpdate = 'error' | 'new-id';

/**
 * What a delSession listing an id the account does not have does. Unknown: the real
 * service's behaviour for unknown ids is not recorded (docs/xipu-protocol "Endpoints" says
 * only that it takes several ids). `ignore` deletes the listed sessions it has and answers
 * success; `refuse` deletes nothing and answers `{"code":1,"msg":"Session not found"}` (the
 * simulator's wording, as for a stale saveSession id) — for a single id as for a batch.
 */
export type DelSessionUnknownIds = 'ignore' | 'refuse';

export interface SimulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Default 'default'; 'strict' takes the harsh side of every unknown (see call-pacer.ts). */
  profile?: SimulatorProfile;
  /** Per-account frequency threshold, default 1000. */
  minGapMs?: number;
  /** Session cap per account, default 50. */
  sessionCap?: number;
  /** Delay between streamed pieces, default 3. */
  chunkDelayMs?: number;
  /** Lifetime of minted tokens, default 3600. */
  tokenLifetimeSeconds?: number;
  /** Models it serves; default the protocol doc's list. */
  models?: string[];
  /** Default `['forbiddenword', '禁词']`. */
  bannedWords?: string[];
  /** What updating a stale session id does; default 'error'. */
  staleSessionUpdate?: StaleSessionUpdate;
  /**
   * What a delSession listing an id the account does not have does; default 'ignore'.
   * Unknown: the real service's behaviour for unknown ids is not recorded. 'refuse' refuses
   * the whole call (`{"code":1,"msg":"Session not found"}`, nothing deleted) — the case of a
   * gateway session the owner already deleted in the web history.
   */
  delSessionUnknownIds?: DelSessionUnknownIds;
  /**
   * Canned answers for the prompts that match (scripted-replies.ts): checked against the
   * whole prompt text in order, first match with uses left wins, over `SIM-REPLY`/`SIM-LONG`.
   * Replaced at run time with `setScriptedReplies`. Default none.
   */
  scriptedReplies?: ScriptedReply[];
  /** For the strict profile's jitter; default a seeded, deterministic generator. */
  random?: () => number;
  /** Clock, epoch ms; default `Date.now`. Drives pacing, token expiry and sdp-session idleness. */
  now?: () => number;
  /** The login portal and its SSO (docs/xipu-protocol "Login"); every field optional. */
  portal?: {
    /** The one account the SSO accepts, and the account its logins' credentials belong to. Default 'student'. */
    username?: string;
    /** Default 'correct-horse-battery' (a simulator-only value). */
    password?: string;
    /** The SSO server's port; default 0 (a free port). */
    ssoPort?: number;
    /** The chat page's token-bearing XHR starts this long after its textarea appears; default 300. */
    tokenXhrDelayMs?: number;
  };
  /**
   * Profile for an unknown (docs/xipu-protocol "Unknowns"): an sdp-app-session with no
   * successful API call (any endpoint, userInfo included; minting counts as one) for longer
   * than this is answered 403 `session expired`, and stays dead. Default: never expires.
   */
  sdpSessionIdleMs?: number;
}
