/**
 * The texts XIPU answers with. Quoted ones are verbatim from docs/xipu-protocol ("Behaviour
 * that shapes the design", "Common errors"); the others are the simulator's own wording for
 * cases whose real text is unknown, kept here so tests and the gateway can match them.
 */
export const upstreamMessages = {
  success: 'success',
  /** Quoted: the frequency limit. */
  tooFast: 'Request too fast, please try again later!',
  /** Quoted: the misleading text some 429s carry instead. */
  contextTooLong: 'The current context is too long, please adjust the length of the context and try again.',
  /** Quoted: the answer to "poisonous" prompts. */
  cannedRefusal:
    "Unfortunately, I don't have any relevant information regarding this matter. However. Please feel free to ask me other questions, and I'll do my best to help.",
  /** Quoted: the plain-text body of another poisonous-prompt failure. */
  requestError: 'Request Err!',
  tokenExpired: 'token expired',
  /** Quoted: the 500 the adapter saw for an invalid token. */
  tokenError: 'token error',
  /** Simulator wording: a missing or forged token in the default profile. */
  tokenInvalid: 'token invalid',
  /** Simulator wording: an sdp-app-session that died of idleness (the real text, if any, is unknown). */
  sessionExpired: 'session expired',
  /**
   * Simulator wording (the real text is unknown): a saveSession update of an id the account no
   * longer has, and, with `delSessionUnknownIds: 'refuse'`, a delSession listing one.
   */
  sessionNotFound: 'Session not found',
  /** Simulator wording: a body that is not JSON or lacks required fields. */
  invalidBody: 'Invalid request parameters',
  /** Quoted, with the cap in place of 50. */
  sessionCap: (cap: number) => `You have created ${cap} sessions, please delete some of them first!`,
  /** Simulator wording: the real text for an unavailable model is unknown. */
  modelUnavailable: (model: string) => `Model ${model} is not available`,
} as const;
