import { createHash, createHmac } from 'node:crypto';
import { constantTimeEqual } from '../integrations/integrations.service.ts';

/**
 * Twilio's `X-Twilio-Signature` (integrations.md §8.1, as twilio-node computes it): base64
 * HMAC-SHA1 keyed by the Auth Token over the full URL, then for a form POST every parameter in
 * name order as `name + value` (a repeated name: its values deduplicated and sorted). The JSON
 * variant signs the URL alone; its `bodySHA256` query parameter binds the body.
 */
export type TwilioParams = Record<string, string | string[]>;

export function twilioSignature(authToken: string, url: string, params: TwilioParams | null): string {
  let data = url;
  for (const name of Object.keys(params ?? {}).sort()) {
    const value = params![name]!;
    if (Array.isArray(value)) for (const v of [...new Set(value)].sort()) data += name + v;
    else data += name + value;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** A form body's parameters, repeated names kept as lists (how the signature sees them). */
export function formParams(raw: Buffer | string): TwilioParams {
  const out: TwilioParams = {};
  for (const [k, v] of new URLSearchParams(raw.toString())) {
    const prior = out[k];
    out[k] = prior === undefined ? v : Array.isArray(prior) ? [...prior, v] : [prior, v];
  }
  return out;
}

const bodyHashOf = (url: string): string | undefined => {
  const q = url.indexOf('?');
  return q < 0 ? undefined : (new URLSearchParams(url.slice(q + 1)).get('bodySHA256') ?? undefined);
};

/**
 * Whether `header` is Twilio's signature of this request under any token, for any of the URLs
 * the request may have been addressed to (behind a proxy the port may be added or stripped).
 * With `bodySHA256` in the URL the body must hash to it and is not read as parameters.
 */
export function verifyTwilioSignature(tokens: readonly string[], urls: readonly string[], rawBody: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !header || header.length > 200) return false;
  let ok = false;
  for (const url of urls) {
    const bodyHash = bodyHashOf(url);
    if (bodyHash !== undefined && !constantTimeEqual(createHash('sha256').update(rawBody).digest('hex'), bodyHash.toLowerCase())) continue;
    const params = bodyHash !== undefined ? null : formParams(rawBody);
    // Every token and URL is tried (no early exit), so the time does not tell which matched.
    for (const token of tokens) if (token && constantTimeEqual(twilioSignature(token, url, params), header)) ok = true;
  }
  return ok;
}

/**
 * The URLs Twilio may have signed for a request received as `path` (with its query): the
 * configured public base URL, and the host it was sent to, with and without the scheme's
 * default port. The scheme is the proxy's `X-Forwarded-Proto` when given, else both.
 */
export function candidateUrls(path: string, headers: Record<string, string | string[] | undefined>, publicBaseUrl: string | undefined): string[] {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.split(',')[0]?.trim();
  const out = new Set<string>();
  if (publicBaseUrl) out.add(publicBaseUrl.replace(/\/+$/, '') + path);
  const host = first(headers['x-forwarded-host']) ?? first(headers.host);
  if (host && /^[A-Za-z0-9.:[\]-]{1,300}$/.test(host)) {
    const proto = first(headers['x-forwarded-proto']);
    for (const scheme of proto === 'http' || proto === 'https' ? [proto] : ['https', 'http']) {
      const bare = host.replace(/:\d+$/, '');
      out.add(`${scheme}://${host}${path}`);
      out.add(`${scheme}://${bare}${path}`);
      out.add(`${scheme}://${bare}:${scheme === 'https' ? 443 : 80}${path}`);
    }
  }
  return [...out];
}
