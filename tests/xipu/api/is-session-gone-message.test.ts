import { describe, expect, it } from 'vitest';
import { isSessionGoneMessage } from '@/lib/xipu/api/is-session-gone-message';

describe('isSessionGoneMessage', () => {
  it.each([
    ['Session not found', true], // the simulator's wording
    ['session does not exist', true],
    ["Session doesn't exist", true],
    ['会话不存在', true],
    ['记录已删除', true],
    ['No such session', true],
    ['System busy', false],
    ['Permission denied', false],
    ['token error', false],
    ['token not found', false],
    ['User does not exist', false],
    ['登录信息不存在', false],
    ['Request too fast, please try again later!', false],
  ])('%s → %s', (message, gone) => {
    expect(isSessionGoneMessage(message)).toBe(gone);
  });
});
