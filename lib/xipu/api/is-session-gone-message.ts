/**
 * What XIPU might say when a session it is asked to delete no longer exists. The real text is
 * unknown (docs/xipu-protocol records only delSession's success): this takes the common
 * phrasings, English and Chinese — the simulator's `Session not found` among them.
 */
const SESSION_GONE_TEXT = /not\s*found|n[o']?t\s*exists?|no\s*such\s*session|不存在|已删除/i;
/**
 * What something else that is missing sounds like ("token not found", "user does not exist"):
 * forgetting a live session on such a refusal would leak it toward the 50-session cap.
 */
const SOMETHING_ELSE_TEXT = /token|auth|login|permission|user|account|令牌|登录|权限|用户|账号/i;

/**
 * Whether a delSession refusal (`code != 0`) says the session does not exist — the owner
 * deleted it in the web history. Only meaningful for a call that listed one id: a refused
 * batch does not say which of its ids is gone.
 */
export function isSessionGoneMessage(message: string): boolean {
  return SESSION_GONE_TEXT.test(message) && !SOMETHING_ELSE_TEXT.test(message);
}
