import { describe, expect, it } from 'vitest';
import { readPastedCredentials } from '@/lib/xipu/credentials/read-pasted-credentials';

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

describe('readPastedCredentials', () => {
  it('takes the bare values, or the header lines as copied from the network panel', () => {
    expect(readPastedCredentials(form({ 'jm-token': ' eyJ.a.b ', 'sdp-app-session': 'abc' }))).toEqual({ ok: true, credentials: { jmToken: 'eyJ.a.b', sdpSession: 'abc' } });
    expect(readPastedCredentials(form({ 'jm-token': 'jm-token: "eyJ.a.b"', 'sdp-app-session': 'SDP-APP-SESSION:abc' }))).toEqual({
      ok: true,
      credentials: { jmToken: 'eyJ.a.b', sdpSession: 'abc' },
    });
  });

  it('names every field at fault and never echoes a value', () => {
    const result = readPastedCredentials(form({ 'jm-token': 'two words', 'sdp-app-session': '' }));
    expect(result).toEqual({ ok: false, problems: ['jm-token contains spaces or line breaks (copy only the value)', 'sdp-app-session is empty'] });
    expect(JSON.stringify(result)).not.toContain('two words');
    expect(readPastedCredentials(form({ 'jm-token': 'x'.repeat(4_097), 'sdp-app-session': 's' }))).toMatchObject({ ok: false, problems: [expect.stringContaining('longer than')] });
  });
});
