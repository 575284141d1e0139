import type { z } from 'zod';
import type { CallOutcome as CallOutcomeSchema, Direction as DirectionSchema } from '../communications/communications.schema.ts';

type CallOutcome = z.infer<typeof CallOutcomeSchema>;
type Direction = z.infer<typeof DirectionSchema>;

/**
 * One provider call as the CRM sees it (integrations.md §8.3), merged from every callback
 * received so far: each provider folds its callbacks into this shape, monotonically, so any
 * order of arrival ends in the same state. `outcome` null: not decided yet (still ringing, or
 * only a child leg was heard of).
 */
export type TelephonyCallState = {
  direction: Direction | null;
  /** The other party's number as received (E.164 for Twilio, display digits for Aircall). */
  number: string | null;
  /** The country to read a national `number` in (the receiving line's), when known. */
  numberCountry: string | null;
  startedAt: string | null;
  outcome: CallOutcome | null;
  durationSeconds: number | null;
  recordingUrl: string | null;
  /** The provider's own bookkeeping (statuses seen, sequence numbers). */
  detail: Record<string, unknown>;
};

export const emptyCallState = (): TelephonyCallState => ({ direction: null, number: null, numberCountry: null, startedAt: null, outcome: null, durationSeconds: null, recordingUrl: null, detail: {} });
