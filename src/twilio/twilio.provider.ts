import { createHash } from 'node:crypto';
import { PermanentEventError, type ProviderAdapter, type ProviderEvent } from '../integrations/integrations.service.ts';
import type { TelephonyService } from '../telephony/telephony.service.ts';
import { CALL_STATUSES, foldChildLeg, foldDial, foldRecording, foldStatus, type TwilioCallback } from './twilio-calls.ts';
import { candidateUrls, formParams, verifyTwilioSignature } from './twilio-signature.ts';

/**
 * Twilio Programmable Voice callbacks as an integrations provider: call status callbacks, the
 * `<Dial action>` callback and recording callbacks, form-encoded (or JSON with `bodySHA256`),
 * signed with the account's Auth Token. Each becomes one event keyed by CallSid and status, and
 * is folded into the call's record (src/telephony). Wire format: integrations.md §8.1.
 */
export type TwilioDeps = { telephony: Pick<TelephonyService, 'record'> };

const SID = /^CA[0-9A-Za-z]{32}$/;
const DIAL_STATUSES = new Set(['completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled']);

/** The callback's parameters, one value each (a repeated name keeps its first). */
function paramsOf(raw: Buffer): TwilioCallback | undefined {
  const text = raw.toString('utf8');
  if (text.trimStart().startsWith('{')) {
    try {
      const body = JSON.parse(text) as unknown;
      if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
      return Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === 'string' || typeof v === 'number').map(([k, v]) => [k, String(v)]));
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(Object.entries(formParams(raw)).map(([k, v]) => [k, Array.isArray(v) ? v[0]! : v]));
}

/** Cuts a verified callback into its one event: `CallSid#CallStatus`, `CallSid#dial:<status>` or `CallSid#recording:<RecordingSid>`. */
export function splitTwilio(raw: Buffer): ProviderEvent[] {
  const malformed = (reason: string, payload: unknown = { body: raw.toString('utf8').slice(0, 2000) }): ProviderEvent[] => [
    { key: `malformed:${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`, kind: 'malformed', payload, failed: reason },
  ];
  const p = paramsOf(raw);
  if (!p) return malformed('the body is neither form-encoded parameters nor a JSON object');
  if (!p.CallSid || !SID.test(p.CallSid)) return malformed('CallSid is missing or not a call SID', p);
  if (p.DialCallStatus !== undefined) {
    if (!DIAL_STATUSES.has(p.DialCallStatus)) return malformed(`unknown DialCallStatus ${p.DialCallStatus.slice(0, 40)}`, p);
    return [{ key: `${p.CallSid}#dial:${p.DialCallStatus}`, kind: 'dial', payload: p }];
  }
  if (p.RecordingSid !== undefined || p.RecordingUrl !== undefined) {
    return [{ key: `${p.CallSid}#recording:${(p.RecordingSid ?? 'url').slice(0, 64)}:${(p.RecordingStatus ?? 'completed').slice(0, 20)}`, kind: 'recording', payload: p }];
  }
  if (!p.CallStatus) return malformed('neither CallStatus, DialCallStatus nor a recording is given', p);
  if (!(CALL_STATUSES as readonly string[]).includes(p.CallStatus)) return malformed(`unknown CallStatus ${p.CallStatus.slice(0, 40)}`, p);
  const child = p.Direction === 'outbound-dial' && !!p.ParentCallSid;
  if (child && !SID.test(p.ParentCallSid!)) return malformed('ParentCallSid is not a call SID', p);
  return [{ key: `${p.CallSid}#${p.CallStatus}`, kind: child ? 'child_status' : 'status', payload: p }];
}

export function makeTwilioProvider(deps: TwilioDeps): ProviderAdapter {
  return {
    verify: (connection, raw, headers, request) =>
      verifyTwilioSignature(
        [connection.secrets.authToken ?? '', connection.secrets.authTokenPrevious ?? ''],
        candidateUrls(request.url, headers, connection.settings.publicBaseUrl),
        raw,
        headers['x-twilio-signature'],
      ),
    split: splitTwilio,
    async process(connection, event) {
      const p = event.payload as TwilioCallback;
      if (connection.settings.accountSid && p.AccountSid !== connection.settings.accountSid) {
        throw new PermanentEventError(`the callback is for account ${String(p.AccountSid).slice(0, 40)}, not this integration's ${connection.settings.accountSid}`);
      }
      const detail = `twilio:${(p.Direction === 'inbound' ? p.To : p.From)?.slice(0, 40) ?? connection.id}`;
      if (event.kind === 'status') return deps.telephony.record(connection, p.CallSid!, foldStatus(p), detail);
      if (event.kind === 'dial') return deps.telephony.record(connection, p.CallSid!, foldDial(p), detail);
      if (event.kind === 'child_status') return deps.telephony.record(connection, p.ParentCallSid!, foldChildLeg(p), detail);
      if (event.kind === 'recording') return deps.telephony.record(connection, p.CallSid!, foldRecording(p), detail);
      throw new PermanentEventError(`unknown event kind ${event.kind}`);
    },
  };
}
