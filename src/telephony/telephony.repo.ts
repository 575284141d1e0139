import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import type { TelephonyCallState } from './telephony.schema.ts';
import { telephonyCalls, type TelephonyCallRow } from './telephony.tables.ts';

export type CallKey = { workspaceId: string; integrationId: string; providerCallId: string };

const byKey = (k: CallKey) => and(eq(telephonyCalls.workspaceId, k.workspaceId), eq(telephonyCalls.integrationId, k.integrationId), eq(telephonyCalls.providerCallId, k.providerCallId));

export async function findCall(db: Db, k: CallKey, lock = false): Promise<TelephonyCallRow | undefined> {
  const q = db.select().from(telephonyCalls).where(byKey(k)).limit(1);
  return (await (lock ? q.for('update') : q))[0];
}

/** The row of this call, created empty when it is the first callback heard of it (a concurrent first insert is not an error). */
export async function ensureCall(db: Db, k: CallKey, now: Date): Promise<void> {
  await db.insert(telephonyCalls).values({ ...k, state: null, version: 0, updatedAt: now }).onConflictDoNothing();
}

export async function saveState(db: Db, k: CallKey, state: TelephonyCallState, version: number, now: Date): Promise<void> {
  await db.update(telephonyCalls).set({ state, version, updatedAt: now }).where(byKey(k));
}

/** False when another run linked a call record first. */
export async function claimCallRecord(db: Db, k: CallKey, callId: string): Promise<boolean> {
  return (await db.update(telephonyCalls).set({ callId }).where(and(byKey(k), isNull(telephonyCalls.callId))).returning({ id: telephonyCalls.callId })).length > 0;
}
