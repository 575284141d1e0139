import { createHash } from 'node:crypto';
import { constantTimeEqual, PermanentEventError, type ProviderAdapter, type ProviderEvent } from '../integrations/integrations.service.ts';
import type { TelephonyCallState, TelephonyService } from '../telephony/telephony.service.ts';

/**
 * Aircall call webhooks as an integrations provider (integrations.md §8.2). Aircall signs
 * nothing: every payload carries the webhook's static `token`, compared in constant time. Every
 * `call.*` event carries the call, so each is folded into the call's state (src/telephony) and
 * any order of arrival ends in the same record; `call.ended` (or `call.hungup`) decides it. There
 * is no `call.missed`: an inbound call that ended with no `answered_at` was missed.
 */
export type AircallDeps = { telephony: Pick<TelephonyService, 'record'> };

type AircallCall = {
  id?: unknown;
  direction?: unknown;
  status?: unknown;
  started_at?: unknown;
  answered_at?: unknown;
  ended_at?: unknown;
  raw_digits?: unknown;
  missed_call_reason?: unknown;
  voicemail?: unknown;
  recording?: unknown;
  number?: { country?: unknown } | null;
};
type Envelope = { resource?: unknown; event?: unknown; timestamp?: unknown; token?: unknown; data?: AircallCall };

type Detail = { answered?: boolean; ended?: boolean; missedReason?: string; talkSeconds?: number };

const ENDING = new Set(['call.hungup', 'call.ended']);
const secs = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);
const httpsUrl = (v: unknown): string | undefined => (typeof v === 'string' && v.length <= 2000 && /^https:\/\/[^\s]+$/i.test(v) ? v : undefined);

function parse(raw: Buffer): Envelope | undefined {
  try {
    const body = JSON.parse(raw.toString('utf8')) as unknown;
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Envelope) : undefined;
  } catch {
    return undefined;
  }
}

/** Cuts a verified delivery into its one event, keyed by the call id and the event name. */
export function splitAircall(raw: Buffer): ProviderEvent[] {
  const body = parse(raw)!;
  const { token: _token, ...payload } = body;
  const malformed = (reason: string): ProviderEvent[] => [
    { key: `malformed:${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`, kind: 'malformed', payload, failed: reason },
  ];
  if (typeof body.event !== 'string' || !body.event || body.event.length > 100) return malformed('event is missing');
  const id = body.data?.id;
  const callId = typeof id === 'number' || (typeof id === 'string' && /^\d{1,20}$/.test(id)) ? String(id) : undefined;
  if (!body.event.startsWith('call.')) return [{ key: `${body.event}#${String(body.timestamp ?? '')}#${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`, kind: 'ignored', payload }];
  if (!callId) return malformed(`${body.event} without data.id`);
  if (body.data?.direction !== 'inbound' && body.data?.direction !== 'outbound') return malformed(`${body.event} with data.direction neither inbound nor outbound`);
  return [{ key: `${callId}#${body.event}`, kind: 'call', payload }];
}

/** One `call.*` event folded into the call's state: only facts are added, so the order does not matter. */
const foldCall = (event: string, c: AircallCall) => (state: TelephonyCallState): TelephonyCallState => {
  const d = state.detail as Detail;
  state.direction ??= c.direction === 'outbound' ? 'outbound' : 'inbound';
  if (!state.number && typeof c.raw_digits === 'string') state.number = c.raw_digits.slice(0, 60);
  if (!state.numberCountry && typeof c.number?.country === 'string' && /^[A-Z]{2}$/.test(c.number.country)) state.numberCountry = c.number.country;
  const started = secs(c.started_at);
  if (started !== undefined) {
    const iso = new Date(started * 1000).toISOString();
    if (!state.startedAt || iso < state.startedAt) state.startedAt = iso;
  }
  const answered = secs(c.answered_at);
  const ended = secs(c.ended_at);
  if (answered !== undefined) d.answered = true;
  if (ENDING.has(event) || c.status === 'done') d.ended = true;
  if (answered !== undefined && ended !== undefined && ended >= answered) d.talkSeconds = Math.max(d.talkSeconds ?? 0, ended - answered);
  if (typeof c.missed_call_reason === 'string' && c.missed_call_reason && (!d.missedReason || c.missed_call_reason < d.missedReason)) d.missedReason = c.missed_call_reason.slice(0, 60);
  const recording = httpsUrl(c.recording) ?? httpsUrl(c.voicemail);
  if (recording && (!state.recordingUrl || recording < state.recordingUrl)) state.recordingUrl = recording;

  if (d.answered) state.outcome = 'answered';
  else if (d.ended) state.outcome = state.direction === 'outbound' ? 'no_answer' : state.recordingUrl ? 'voicemail' : 'missed';
  else state.outcome = null;
  state.durationSeconds = d.talkSeconds ?? null;
  return state;
};

export function makeAircallProvider(deps: AircallDeps): ProviderAdapter {
  return {
    verify(connection, raw) {
      const token = parse(raw)?.token;
      if (typeof token !== 'string' || !token || token.length > 512) return false;
      let ok = false;
      for (const secret of [connection.secrets.token ?? '', connection.secrets.tokenPrevious ?? '']) if (secret && constantTimeEqual(secret, token)) ok = true;
      return ok;
    },
    split: splitAircall,
    async process(connection, event) {
      const body = event.payload as Envelope;
      if (event.kind === 'ignored') return `event ${String(body.event)} is not a call event; ignored`;
      if (event.kind !== 'call') throw new PermanentEventError(`unknown event kind ${event.kind}`);
      const c = body.data!;
      const line = typeof (c as { number?: { digits?: unknown } }).number?.digits === 'string' ? String((c as { number: { digits: string } }).number.digits).slice(0, 40) : connection.id;
      return deps.telephony.record(connection, String(c.id), foldCall(String(body.event), c), `aircall:${line}`);
    },
  };
}
