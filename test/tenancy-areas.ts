import type { TestApp, TestWorkspace } from './harness.ts';
import type { Fixture } from './tenancy-probes.ts';
import type { Seeded } from './tenancy-seed.ts';
import { batchArea } from './tenancy-area-batch.ts';
import { exportsArea } from './tenancy-area-exports.ts';
import { importsArea } from './tenancy-area-imports.ts';
import { integrationsArea } from './tenancy-area-integrations.ts';
import { liveArea } from './tenancy-area-live.ts';
import { notificationsArea } from './tenancy-area-notifications.ts';
import { usersArea } from './tenancy-area-users.ts';

/**
 * A feature area's share of the tenancy test, kept in its own file so features grow without
 * editing one shared list:
 * - `seed` creates the area's real objects in a workspace (through its API) and returns their ids
 *   by name; they land in `Seeded.extra`, count as the workspace's ids (an answer to the other
 *   workspace holding one is a leak), and their rows are in the snapshot like every other table.
 * - `fixtures`: one per route the area registers, as in tenancy-fixtures.ts.
 * - `jobs`: one per job topic the area handles, as in tenancy-jobs.ts.
 */
export type TenancyArea = {
  seed?: (t: TestApp, ws: TestWorkspace, seeded: Omit<Seeded, 'extra'>) => Promise<Record<string, string>>;
  fixtures: Record<string, Fixture>;
  jobs?: Record<string, JobFixture>;
};

export type JobFixture = { why: string; payload: (b: Seeded) => Record<string, unknown> };

export const AREAS: TenancyArea[] = [batchArea, exportsArea, importsArea, integrationsArea, liveArea, notificationsArea, usersArea];
