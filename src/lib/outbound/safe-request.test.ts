import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBlockedAddress } from './blocked-addresses.ts';
import { OutboundRefused, safeRequest } from './safe-request.ts';

/** R35: outbound requests to supplied URLs never reach private, loopback or link-local addresses; a canary on 127.0.0.1 counts what got through. */
let canary: Server;
let port = 0;
let hits = 0;
let mode: 'ok' | 'redirect' = 'ok';

beforeAll(async () => {
  canary = createServer((_req, res) => {
    hits++;
    if (mode === 'redirect') {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/inside` });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('canary');
  });
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
  port = (canary.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => canary.close(() => resolve()));
});

/** Names are resolved by this resolver, never by a DNS server: the test sends nothing off loopback. */
const resolveTo = (...addresses: string[]) => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

async function refusal(url: string, policy = {}): Promise<string> {
  try {
    await safeRequest(url, {}, { timeoutMs: 2000, resolve: resolveTo('127.0.0.1'), ...policy });
  } catch (err) {
    if (err instanceof OutboundRefused) return err.reason;
    throw err;
  }
  return 'not refused';
}

describe('SSRF guard', () => {
  it('classifies addresses: loopback, private, link-local, CGNAT, unique-local, mapped and multicast are blocked; public ones are not', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '64:ff9b::a00:1', '[::1]', 'ff02::1']) {
      expect(isBlockedAddress(a), a).toBe(true);
    }
    for (const a of ['93.184.216.34', '157.240.1.35', '2a03:2880:f12f:83:face:b00c:0:25de', '8.8.8.8']) expect(isBlockedAddress(a), a).toBe(false);
  });

  it('refuses every hostile URL before connecting: the canary counts no hit', async () => {
    hits = 0;
    const hostile: [string, string][] = [
      [`http://127.0.0.1:${port}/`, 'scheme_not_allowed'],
      ['https://127.0.0.1/', 'address_not_allowed'],
      ['https://[::1]/', 'address_not_allowed'],
      ['https://[::ffff:127.0.0.1]/', 'address_not_allowed'],
      ['https://2130706433/', 'address_not_allowed'],
      ['https://0x7f.1/', 'address_not_allowed'],
      ['https://0177.0.0.1/', 'address_not_allowed'],
      ['https://127.1/', 'address_not_allowed'],
      ['https://169.254.169.254/latest/meta-data/', 'address_not_allowed'],
      ['https://10.0.0.1/', 'address_not_allowed'],
      ['https://localhost./', 'address_not_allowed'],
      [`https://127.0.0.1:${port}/`, 'port_not_allowed'],
      ['https://user:pw@graph.example.test/', 'invalid_url'],
      ['file:///etc/passwd', 'scheme_not_allowed'],
      ['not a url', 'invalid_url'],
    ];
    for (const [url, reason] of hostile) expect(await refusal(url), url).toBe(reason);
    expect(hits).toBe(0);
  });

  it('refuses a name that resolves to a private address at connect time (DNS rebinding: public on the first lookup, loopback on the next)', async () => {
    hits = 0;
    let n = 0;
    const rebinding = async () => [{ address: n++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
    // Rebinding passes a check made on an earlier lookup (played here) and connects to the next answer; the guard checks the very lookup it connects with.
    await rebinding();
    expect(await refusal('https://rebind.test/', { resolve: rebinding })).toBe('address_not_allowed');
    expect(await refusal('https://mixed.test/', { resolve: resolveTo('93.184.216.34', '10.0.0.7') })).toBe('address_not_allowed');
    expect(hits).toBe(0);
  });

  it('reaches an allow-listed fake on 127.0.0.1, and does not follow its redirect to loopback', async () => {
    hits = 0;
    mode = 'ok';
    const allow = [`127.0.0.1:${port}`];
    const ok = await safeRequest(`http://127.0.0.1:${port}/hello`, {}, { allow });
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toBe('canary');
    mode = 'redirect';
    expect(await refusal(`http://127.0.0.1:${port}/outside`, { allow })).toBe('redirect_not_followed');
    expect(hits).toBe(2);
  });

  it('caps the size of an answer', async () => {
    mode = 'ok';
    expect(await refusal(`http://127.0.0.1:${port}/`, { allow: [`127.0.0.1:${port}`], maxBytes: 3 })).toBe('too_large');
  });
});
