import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeSecretBox, newSecretKey } from './secret-box.ts';
import { constantTimeEqual, metaSignature, verifyMetaSignature } from './signatures.ts';

// integrations.md §0.3, Meta / WhatsApp (composed): the body exactly as sent, `\u00e9` as six ASCII characters.
const KAT_BODY = String.raw`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Jos\u00e9"},"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.TEST1","timestamp":"1749416383","type":"text","text":{"body":"Hola"}}]}}]}]}`;
const KAT_SIG = 'sha256=bd2b97a331dd28a5be0b1a51d40cb1b72b6577086f739460efa5c22093e1d77d';
const REENCODED_SIG = 'sha256=c0ec24707a6fd154365bf221b56ca3a5a2c636a72ada45a489dde1091d8bffd7';

describe('Meta X-Hub-Signature-256', () => {
  it('reproduces the known-answer vector over the raw bytes', () => {
    expect(metaSignature('test_app_secret', Buffer.from(KAT_BODY, 'utf8'))).toBe(KAT_SIG);
    expect(verifyMetaSignature(['test_app_secret'], Buffer.from(KAT_BODY, 'utf8'), KAT_SIG)).toBe(true);
  });

  it('a proxy that re-encodes \\u00e9 as a literal é breaks the signature (the documented second vector)', () => {
    const reencoded = Buffer.from(KAT_BODY.replace('Jos\\u00e9', 'José'), 'utf8');
    expect(metaSignature('test_app_secret', reencoded)).toBe(REENCODED_SIG);
    expect(verifyMetaSignature(['test_app_secret'], reencoded, KAT_SIG)).toBe(false);
  });

  it.each([
    ['one body byte flipped', Buffer.from(KAT_BODY.replace('Hola', 'Hole')), KAT_SIG],
    ['re-serialised JSON', Buffer.from(JSON.stringify(JSON.parse(KAT_BODY), null, 1)), KAT_SIG],
    ['truncated signature', Buffer.from(KAT_BODY), KAT_SIG.slice(0, -2)],
    ['wrong prefix', Buffer.from(KAT_BODY), KAT_SIG.replace('sha256=', 'sha1=')],
    ['upper-case hex', Buffer.from(KAT_BODY), KAT_SIG.toUpperCase()],
    ['empty header', Buffer.from(KAT_BODY), ''],
    ['no header', Buffer.from(KAT_BODY), undefined],
    ['duplicate header', Buffer.from(KAT_BODY), [KAT_SIG, KAT_SIG]],
    ['another secret', Buffer.from(KAT_BODY), metaSignature('other_secret', Buffer.from(KAT_BODY))],
  ])('rejects: %s', (_label, body, header) => {
    expect(verifyMetaSignature(['test_app_secret'], body, header as string | string[] | undefined)).toBe(false);
  });

  it('accepts either secret while one is being rotated', () => {
    const body = Buffer.from(KAT_BODY);
    expect(verifyMetaSignature(['new_secret', 'test_app_secret'], body, KAT_SIG)).toBe(true);
    expect(verifyMetaSignature(['new_secret', 'test_app_secret'], body, metaSignature('new_secret', body))).toBe(true);
  });

  it('compares in constant time: no === or Buffer.equals on signatures in the verifier', () => {
    const src = readFileSync(new URL('./signatures.ts', import.meta.url), 'utf8');
    expect(src).toContain('timingSafeEqual');
    expect(src).not.toMatch(/===|\.equals\(/);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('secret box (AES-256-GCM)', () => {
  it('seals and opens; the sealed text holds no plaintext; tampering is detected', async () => {
    const box = makeSecretBox({ envKey: newSecretKey(), loadStoredKey: async () => '' });
    const sealed = await box.seal({ appSecret: 'very-secret-value', accessToken: 'EAAG-token' });
    expect(sealed).not.toContain('very-secret-value');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(await box.open(sealed)).toEqual({ appSecret: 'very-secret-value', accessToken: 'EAAG-token' });
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[4]!, 'base64');
    ct[0] = ct[0]! ^ 1;
    parts[4] = ct.toString('base64');
    await expect(box.open(parts.join('.'))).rejects.toThrow();
    expect(await box.seal({ a: 'x' })).not.toBe(await box.seal({ a: 'x' }));
  });

  it('opens values sealed under an older key after rotation; a box without that key refuses', async () => {
    const oldKey = newSecretKey();
    const newKey = newSecretKey();
    const sealedOld = await makeSecretBox({ envKey: oldKey, loadStoredKey: async () => '' }).seal({ appSecret: 's' });
    const rotated = makeSecretBox({ envKey: `${newKey},${oldKey}`, loadStoredKey: async () => '' });
    expect(await rotated.open(sealedOld)).toEqual({ appSecret: 's' });
    expect((await rotated.seal({ a: 'b' })).split('.')[1]).not.toBe(sealedOld.split('.')[1]);
    await expect(makeSecretBox({ envKey: newKey, loadStoredKey: async () => '' }).open(sealedOld)).rejects.toMatchObject({ code: 'integration_secrets_unreadable' });
  });

  it('uses the stored installation key when no environment key is set', async () => {
    const stored = newSecretKey();
    let loads = 0;
    const box = makeSecretBox({ loadStoredKey: async () => (loads++, stored) });
    const sealed = await box.seal({ x: 'y' });
    expect(await makeSecretBox({ envKey: stored, loadStoredKey: async () => '' }).open(sealed)).toEqual({ x: 'y' });
    await box.seal({ x: 'z' });
    expect(loads).toBe(1);
  });
});
