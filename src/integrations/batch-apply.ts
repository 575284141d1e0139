import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { inTransaction } from '../lib/tenant-scope.ts';
import * as repo from './integrations.repo.ts';
import type { IntegrationEventRow } from './integrations.tables.ts';

/**
 * The provider's batch over a job's events, in one transaction with their outcomes; returns the
 * events left for the one-by-one path. When the batch fails (a race with another job over a
 * contact or a message id, a database error) it is rolled back whole and every event goes one
 * by one, where each such case is handled on its own and a transient error is retried.
 */
export async function applyBatch(
  deps: { db: Db; clock: Clock },
  workspaceId: string,
  // The provider's processBatch over these events (bound to its connection by the service).
  processBatch: (events: IntegrationEventRow[]) => Promise<{ outcomes: Parameters<typeof repo.setEventOutcomes>[2]; rest: IntegrationEventRow[] }>,
  events: IntegrationEventRow[],
): Promise<{ rest: IntegrationEventRow[]; rolledBack?: string }> {
  try {
    const rest = await deps.db.transaction((tx) =>
      inTransaction(tx, async () => {
        const { outcomes, rest } = await processBatch(events);
        await repo.setEventOutcomes(tx, workspaceId, outcomes, deps.clock.now());
        return rest;
      }),
    );
    return { rest };
  } catch (err) {
    return { rest: events, rolledBack: err instanceof Error ? err.message : String(err) };
  }
}
