import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isBlockedAddress } from './blocked-addresses.ts';

/**
 * Outbound HTTP to URLs that users or webhook payloads supply (R35): https only, ports 443 and
 * 8443, every resolved address checked at connect time (the address checked is the one
 * connected to, so DNS rebinding gains nothing), no redirect followed, a total timeout and a
 * size cap on the answer. `allow` names `host:port` pairs let through as they are, for the
 * fake servers tests run on 127.0.0.1 (never set in production).
 */
export type OutboundPolicy = {
  /** `host:port` of test fakes on loopback that may be reached (over http too). */
  allow?: readonly string[];
  /** The resolver; tests inject one to play DNS rebinding without a DNS server. */
  resolve?: (hostname: string) => Promise<{ address: string; family: number }[]>;
  timeoutMs?: number;
  maxBytes?: number;
};

export type OutboundAnswer = { status: number; headers: IncomingHttpHeaders; body: Buffer };

/** A request refused before or instead of reaching its target; `reason` is a stable code. */
export class OutboundRefused extends Error {
  constructor(
    readonly reason: 'invalid_url' | 'scheme_not_allowed' | 'port_not_allowed' | 'address_not_allowed' | 'redirect_not_followed' | 'too_large' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}

const ALLOWED_PORTS = new Set(['443', '8443']);
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

const defaultResolve = (hostname: string) => dnsLookup(hostname, { all: true, verbatim: true });

/** A `lookup` for the socket that refuses the connection when any resolved address is blocked. */
function guardedLookup(resolve: NonNullable<OutboundPolicy['resolve']>): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (err: Error | null, address?: unknown, family?: number) => void) => {
    resolve(hostname).then(
      (addresses) => {
        const bad = addresses.find((a) => isBlockedAddress(a.address));
        if (!addresses.length) return callback(new OutboundRefused('address_not_allowed', `${hostname} has no address`));
        if (bad) return callback(new OutboundRefused('address_not_allowed', `${hostname} resolves to ${bad.address}, a private, loopback or link-local address`));
        if (options.all) return callback(null, addresses);
        return callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: Error) => callback(err),
    );
  }) as LookupFunction;
}

/** Checks the URL against the policy; the parsed URL, or a refusal. */
export function checkOutboundUrl(raw: string, policy: OutboundPolicy = {}): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefused('invalid_url', 'not an absolute URL');
  }
  const port = url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '');
  if (policy.allow?.includes(`${url.hostname}:${port}`) && (url.protocol === 'http:' || url.protocol === 'https:')) return url;
  if (url.protocol !== 'https:') throw new OutboundRefused('scheme_not_allowed', `${url.protocol} is not allowed; https only`);
  if (url.username || url.password) throw new OutboundRefused('invalid_url', 'credentials in the URL are not allowed');
  if (!ALLOWED_PORTS.has(port)) throw new OutboundRefused('port_not_allowed', `port ${port} is not allowed (443 or 8443)`);
  // The URL parser has already turned 2130706433, 0x7f.1, 0177.0.0.1 and 127.1 into 127.0.0.1.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isBlockedAddress(host)) throw new OutboundRefused('address_not_allowed', `${host} is a private, loopback or link-local address`);
  return url;
}

/** One request under the policy. A 3xx answer is refused, not followed. */
export function safeRequest(raw: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}, policy: OutboundPolicy = {}): Promise<OutboundAnswer> {
  const url = checkOutboundUrl(raw, policy);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const allowed = policy.allow?.includes(`${url.hostname}:${port}`) ?? false;
  const maxBytes = policy.maxBytes ?? DEFAULT_MAX_BYTES;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<OutboundAnswer>((resolve, reject) => {
    let settled = false;
    const req = request(url, {
      method: init.method ?? 'GET',
      headers: init.body !== undefined ? { 'content-length': String(Buffer.byteLength(init.body)), ...init.headers } : init.headers,
      ...(allowed ? {} : { lookup: guardedLookup(policy.resolve ?? defaultResolve) }),
      timeout: policy.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    const finish = (err: Error | null, answer?: OutboundAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(answer!);
    };
    const timer = setTimeout(() => finish(new OutboundRefused('timeout', 'no complete answer in time')), policy.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    req.on('timeout', () => finish(new OutboundRefused('timeout', 'no answer in time')));
    req.on('error', (err) => finish(err));
    req.on('response', (res) => {
      res.on('error', (err) => finish(err));
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) return finish(new OutboundRefused('redirect_not_followed', `answered ${status} (a redirect, not followed)`));
      const declared = Number(res.headers['content-length'] ?? '0');
      if (declared > maxBytes) return finish(new OutboundRefused('too_large', `answer of ${declared} bytes is over the ${maxBytes}-byte limit`));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return finish(new OutboundRefused('too_large', `answer is over the ${maxBytes}-byte limit`));
        chunks.push(chunk);
      });
      res.on('end', () => finish(null, { status, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}
