import { describe, expect, it } from 'vitest';
import { parseConfig } from '@/lib/config/env';
import { idFromToken, idFromUsername, parseUpstreams, parseXipuAccounts } from '@/lib/config/provider-entries';
import { xipuAccountKeys } from '@/lib/xipu/account/account-keys';
import { xipuAccountSettings } from '@/lib/xipu/account/account-settings';

/** XIPU_ACCOUNTS and UPSTREAMS: JSON arrays with stable ids and messages that never echo a secret. */
const jwtWithSubject = (sub: string) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ sub, exp: 2_000_000_000 })).toString('base64url')}.c2ln`;

describe('XIPU_ACCOUNTS', () => {
  it('gives every entry a stable id: its own, else from its username, else from its token\'s subject — never its position', () => {
    const parsed = parseXipuAccounts(
      JSON.stringify([
        { jmToken: jwtWithSubject('Student.Two'), sdpSession: 's2' },
        { id: 'lab', jmToken: 'x.y.z', sdpSession: 's3' },
        { username: 'Alice.Smith21@student.xjtlu.edu.cn', password: 'pw-alice' },
      ]),
    );
    expect(parsed).toMatchObject({ ok: true });
    if (!parsed.ok) return;
    expect(parsed.entries.map((entry) => entry.id)).toEqual(['student-two', 'lab', 'alice-smith21']);
    expect(parsed.entries[0]?.manualCredentials).toEqual({ jmToken: jwtWithSubject('Student.Two'), sdpSession: 's2' });
    // The same entry moved in the list keeps its id.
    const reordered = parseXipuAccounts(JSON.stringify([{ username: 'Alice.Smith21@student.xjtlu.edu.cn', password: 'pw-alice' }]));
    expect(reordered.ok && reordered.entries[0]?.id).toBe('alice-smith21');
  });

  it.each([
    ['not JSON', '[{', 'expected a JSON array'],
    ['an empty array', '[]', 'at least one entry'],
    ['a username without password', JSON.stringify([{ username: 'a' }]), 'username and password go together'],
    ['a token without its session', JSON.stringify([{ jmToken: 'x.y.z' }]), 'jmToken and sdpSession go together'],
    ['no credentials', JSON.stringify([{ id: 'empty' }]), 'needs username and password'],
    ['a token without a subject and no id', JSON.stringify([{ jmToken: 'not-a-jwt', sdpSession: 's' }]), 'give it an "id"'],
    ['an id with capitals', JSON.stringify([{ id: 'Lab', username: 'a', password: 'b' }]), 'account id'],
    ['an unknown field', JSON.stringify([{ username: 'a', password: 'b', pasword: 'typo' }]), 'unknown field "pasword"'],
    ['two entries with one id', JSON.stringify([{ username: 'a@x', password: 'b' }, { username: 'a@y', password: 'c' }]), 'two entries have the id "a"'],
  ])('refuses %s, naming the entry and never a secret', (_label, raw, message) => {
    const parsed = parseXipuAccounts(raw);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toContain(message);
    expect(parsed.message).not.toMatch(/pw-|"b"|"c"|typo/);
  });

  it('a bad value is the configuration problem of XIPU_ACCOUNTS, and turns demo mode off when good', () => {
    expect(parseConfig({ XIPU_ACCOUNTS: '[1]' })).toMatchObject({ ok: false, problem: { variable: 'XIPU_ACCOUNTS' } });
    const good = parseConfig({ XIPU_ACCOUNTS: JSON.stringify([{ id: 'one', username: 'u', password: 'p' }]) });
    expect(good.ok && good.config.demoMode).toBe(false);
  });

  it('makes one account per entry with its own keys and credentials; without it, the default account as before', () => {
    const single = parseConfig({ JM_TOKEN: 'a.b.c', SDP_SESSION: 's' });
    if (!single.ok) throw new Error(single.problem.message);
    expect(xipuAccountSettings(single.config).map((account) => account.id)).toEqual(['default']);
    expect(xipuAccountKeys('default').credentials).toBe('xipu-gw:credentials');

    const several = parseConfig({
      JM_TOKEN: 'ignored.by.accounts',
      SDP_SESSION: 'ignored',
      XIPU_ACCOUNTS: JSON.stringify([{ id: 'one', username: 'u1', password: 'p1' }, { id: 'two', jmToken: 't.t.t', sdpSession: 's2' }]),
    });
    if (!several.ok) throw new Error(several.problem.message);
    const [one, two] = xipuAccountSettings(several.config);
    expect(one).toMatchObject({ id: 'one', login: { enabled: true }, upstream: { username: 'u1', manualCredentials: undefined } });
    expect(two).toMatchObject({ id: 'two', login: { enabled: false }, upstream: { manualCredentials: { jmToken: 't.t.t', sdpSession: 's2' } } });
    expect(xipuAccountKeys('two').credentials).toBe('xipu-gw:account:two:credentials');
  });

  it('derives ids that fit the account keys', () => {
    for (const id of [idFromUsername('x'.repeat(80)), idFromUsername('--Weird__Name!!'), idFromToken(jwtWithSubject('a.b@c'))]) {
      expect(() => xipuAccountKeys(id!)).not.toThrow();
    }
  });
});

describe('UPSTREAMS', () => {
  it('parses entries, trims the base URL, keeps models optional', () => {
    expect(parseUpstreams(JSON.stringify([{ id: 'ollama', baseUrl: 'http://box:11434/v1/' }, { id: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-x', models: ['gpt-4o'] }]))).toEqual({
      ok: true,
      entries: [
        { id: 'ollama', baseUrl: 'http://box:11434/v1' },
        { id: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-x', models: ['gpt-4o'] },
      ],
    });
  });

  it.each([
    ['a missing id', JSON.stringify([{ baseUrl: 'http://a' }]), 'id'],
    ['a bad URL', JSON.stringify([{ id: 'a', baseUrl: 'ftp://a' }]), 'baseUrl'],
    ['empty models', JSON.stringify([{ id: 'a', baseUrl: 'http://a', models: [] }]), 'models'],
    ['a duplicate id', JSON.stringify([{ id: 'a', baseUrl: 'http://a' }, { id: 'a', baseUrl: 'http://b' }]), 'two entries'],
  ])('refuses %s without echoing the key', (_label, raw, message) => {
    const parsed = parseUpstreams(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
    expect(parseConfig({ UPSTREAMS: raw })).toMatchObject({ ok: false, problem: { variable: 'UPSTREAMS' } });
  });
});
