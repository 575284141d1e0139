import type { TelephonyCallState } from '../telephony/telephony.service.ts';

/**
 * Twilio callbacks folded into a call's state (integrations.md §8.1 "missed versus answered").
 * An inbound call that TwiML `<Dial>`s to agents is `completed` for Twilio even when nobody
 * picked up, so what decides is the `<Dial action>` callback (`DialCallStatus`) or a child leg
 * (`outbound-dial`, `ParentCallSid`) reaching `in-progress`. Every fold only adds facts (a status
 * seen, an answer heard of, the earliest start, the longest duration), so any order of arrival
 * and any repetition ends in the same state.
 */
export type TwilioCallback = Record<string, string>;

export const CALL_STATUSES = ['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled'] as const;
const TERMINAL = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
/** Which unanswered dial status names an inbound call, when a call dialled several times saw more than one. */
const DIAL_PRIORITY = ['busy', 'no-answer', 'failed', 'canceled', 'completed', 'answered'];

type Detail = {
  terminal?: string;
  terminalSeq?: number;
  dialStatuses?: string[];
  answered?: boolean;
  answeredBy?: string;
  callSeconds?: number;
  talkSeconds?: number;
};

const num = (v: string | undefined): number | undefined => (v !== undefined && /^\d{1,9}$/.test(v) ? Number(v) : undefined);
const maxOf = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));

function earliest(state: TelephonyCallState, at: number | undefined): void {
  if (at === undefined || Number.isNaN(at)) return;
  const iso = new Date(at).toISOString();
  if (!state.startedAt || iso < state.startedAt) state.startedAt = iso;
}

function parties(state: TelephonyCallState, p: TwilioCallback): void {
  if (!state.direction && p.Direction) state.direction = p.Direction === 'inbound' ? 'inbound' : 'outbound';
  if (!state.number && state.direction) state.number = (state.direction === 'inbound' ? p.From ?? p.Caller : p.To ?? p.Called) ?? null;
}

function outcomeOf(state: TelephonyCallState, d: Detail): TelephonyCallState['outcome'] {
  if (!state.direction) return null;
  if (d.answered) return state.direction === 'outbound' && d.answeredBy?.startsWith('machine') ? 'voicemail' : 'answered';
  const status = state.direction === 'inbound' ? (DIAL_PRIORITY.find((s) => d.dialStatuses?.includes(s)) ?? d.terminal) : d.terminal;
  if (!status) return null;
  const outcome = status === 'busy' ? 'busy' : status === 'failed' ? 'failed' : status === 'no-answer' ? 'no_answer' : 'missed';
  return state.direction === 'inbound' && (outcome === 'missed' || outcome === 'no_answer') && state.recordingUrl ? 'voicemail' : outcome;
}

function settle(state: TelephonyCallState): TelephonyCallState {
  const d = state.detail as Detail;
  state.outcome = outcomeOf(state, d);
  state.durationSeconds = d.talkSeconds ?? (state.direction === 'outbound' ? (d.callSeconds ?? null) : null);
  return state;
}

/** The call's own status callback (a parent inbound call, or an outbound call). */
export const foldStatus = (p: TwilioCallback) => (state: TelephonyCallState): TelephonyCallState => {
  const d = state.detail as Detail;
  parties(state, p);
  const status = p.CallStatus ?? '';
  const seconds = num(p.CallDuration);
  const at = Date.parse(p.Timestamp ?? '');
  earliest(state, status === 'completed' && seconds !== undefined ? at - seconds * 1000 : at);
  if (TERMINAL.has(status)) {
    const seq = num(p.SequenceNumber) ?? 0;
    if (d.terminal === undefined || seq > (d.terminalSeq ?? 0) || (seq === d.terminalSeq && status > d.terminal)) {
      d.terminal = status;
      d.terminalSeq = seq;
    }
  }
  // Twilio itself answers an inbound call to run the TwiML: only an outbound call is answered by the other party.
  if (state.direction === 'outbound' && (status === 'in-progress' || status === 'completed')) d.answered = true;
  if (p.AnsweredBy && (!d.answeredBy || p.AnsweredBy < d.answeredBy)) d.answeredBy = p.AnsweredBy;
  if (status === 'completed') d.callSeconds = maxOf(d.callSeconds, seconds);
  return settle(state);
};

/** The `<Dial action>` callback of an inbound call: `DialCallStatus` says whether an agent picked up. */
export const foldDial = (p: TwilioCallback) => (state: TelephonyCallState): TelephonyCallState => {
  const d = state.detail as Detail;
  parties(state, p);
  earliest(state, Date.parse(p.Timestamp ?? ''));
  const status = p.DialCallStatus ?? '';
  const seconds = num(p.DialCallDuration);
  d.dialStatuses = [...new Set([...(d.dialStatuses ?? []), status])].sort();
  if ((status === 'completed' || status === 'answered') && (seconds ?? 0) > 0) {
    d.answered = true;
    d.talkSeconds = maxOf(d.talkSeconds, seconds);
  }
  return settle(state);
};

/** A child leg (`outbound-dial` to an agent) of the call: reaching `in-progress` answers the parent. */
export const foldChildLeg = (p: TwilioCallback) => (state: TelephonyCallState): TelephonyCallState => {
  const d = state.detail as Detail;
  const seconds = num(p.CallDuration);
  if (p.CallStatus === 'in-progress' || (p.CallStatus === 'completed' && (seconds ?? 0) > 0)) d.answered = true;
  if (p.CallStatus === 'completed' && (seconds ?? 0) > 0) d.talkSeconds = maxOf(d.talkSeconds, seconds);
  return settle(state);
};

/** A recording callback: the recording is linked (an unanswered inbound call with one left a voicemail). */
export const foldRecording = (p: TwilioCallback) => (state: TelephonyCallState): TelephonyCallState => {
  const url = p.RecordingUrl;
  if (url && /^https:\/\/[^\s]+$/i.test(url) && url.length <= 2000 && (!state.recordingUrl || url < state.recordingUrl)) state.recordingUrl = url;
  return settle(state);
};
