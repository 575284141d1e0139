import { requireRole, type Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { AppError, notFound, validationFailed } from '../lib/errors.ts';
import { uuidv7 } from '../lib/ids.ts';
import { isUniqueViolation } from '../lib/pg-errors.ts';
import { countContactsInStage, detachTrashedFromStage } from '../contacts/contact-rows.ts';
import * as repo from './playbooks.repo.ts';
import type { Playbook, PlaybookCreate, PlaybookUpdate, Stage, StageCreate, StageUpdate } from './playbooks.schema.ts';
import type { PlaybookRow, StageRow } from './playbooks.tables.ts';

export const presentStage = (s: StageRow): Stage => ({
  id: s.id,
  playbookId: s.playbookId,
  name: s.name,
  kind: s.kind,
  position: s.position,
  staleAfterDays: s.staleAfterDays,
  archived: s.archivedAt !== null,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
  version: Number(s.version),
});

export const presentPlaybook = (p: PlaybookRow, stages: StageRow[]): Playbook => ({
  id: p.id,
  name: p.name,
  position: p.position,
  archived: p.archivedAt !== null,
  stages: stages.filter((s) => s.playbookId === p.id).map(presentStage),
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
  version: Number(p.version),
});

export function checkVersion(what: string, row: { version: number }, ifMatch: number | undefined): void {
  if (ifMatch !== undefined && Number(row.version) !== ifMatch) {
    throw new AppError('precondition_failed', `The ${what} changed since you read it: it is at version ${row.version}, not ${ifMatch}`, {
      extra: { currentVersion: Number(row.version), etag: `"${row.version}"` },
    });
  }
}

/** Turns a unique-name violation into a 409 naming the field; rethrows anything else. */
function nameTaken(err: unknown, what: 'playbook' | 'stage', name: string, pointer: string): never {
  if (isUniqueViolation(err)) {
    throw new AppError(`${what}_name_taken`, `A ${what} named "${name}" already exists`, {
      status: 409,
      errors: [{ pointer, code: 'name_taken', message: `another ${what} has this name` }],
    });
  }
  throw err;
}

/** A stage id list must be exactly the current set, each once: anything else would lose an order. */
export function checkPermutation(wanted: string[], current: string[], pointer: string): void {
  const dup = wanted.findIndex((id, i) => wanted.indexOf(id) !== i);
  const unknown = wanted.findIndex((id) => !current.includes(id));
  const missing = current.filter((id) => !wanted.includes(id));
  const errors = [];
  if (dup >= 0) errors.push({ pointer: `${pointer}/${dup}`, code: 'duplicate', message: 'listed twice' });
  if (unknown >= 0) errors.push({ pointer: `${pointer}/${unknown}`, code: 'not_found', message: `${wanted[unknown]} is not one of them` });
  if (missing.length) errors.push({ pointer, code: 'incomplete', message: `missing ${missing.join(', ')}: list every one` });
  if (errors.length) throw validationFailed(errors);
}

export function makePlaybooksService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function getPlaybookRow(tx: Db, actor: Actor, id: string, lock = false): Promise<PlaybookRow> {
    const row = await repo.findPlaybookRow(tx, actor.workspaceId, id, lock);
    if (!row) throw notFound('Playbook', id);
    return row;
  }

  async function getStageRow(tx: Db, actor: Actor, playbookId: string, stageId: string, lock?: 'update'): Promise<StageRow> {
    await getPlaybookRow(tx, actor, playbookId);
    const row = await repo.findStageRow(tx, actor.workspaceId, stageId, lock);
    if (!row || row.playbookId !== playbookId) throw notFound('Stage', stageId);
    return row;
  }

  async function withStages(tx: Db, actor: Actor, p: PlaybookRow): Promise<Playbook> {
    return presentPlaybook(p, await repo.listStageRows(tx, actor.workspaceId, [p.id]));
  }

  return {
    /** Creates a playbook (admin), with its first stages in the given order. */
    async create(actor: Actor, input: PlaybookCreate): Promise<Playbook> {
      requireRole(actor, 'admin');
      const now = clock.now();
      const names = (input.stages ?? []).map((s) => s.name.toLowerCase());
      const dup = names.findIndex((n, i) => names.indexOf(n) !== i);
      if (dup >= 0) throw validationFailed([{ pointer: `/stages/${dup}/name`, code: 'duplicate', message: 'two stages with the same name' }]);
      return db.transaction(async (tx) => {
        const id = uuidv7(now.getTime());
        const position = await repo.nextPlaybookPosition(tx, actor.workspaceId);
        const p = await repo.insertPlaybookRow(tx, { workspaceId: actor.workspaceId, id, name: input.name, position, createdAt: now, updatedAt: now }).catch((e) => nameTaken(e, 'playbook', input.name, '/name'));
        for (const [i, s] of (input.stages ?? []).entries()) {
          await repo.insertStageRow(tx, { workspaceId: actor.workspaceId, id: uuidv7(now.getTime()), playbookId: id, name: s.name, kind: s.kind, staleAfterDays: s.staleAfterDays ?? null, position: i, createdAt: now, updatedAt: now });
        }
        return withStages(tx, actor, p);
      });
    },

    async list(actor: Actor, archived: 'true' | 'false' | 'all' = 'false'): Promise<Playbook[]> {
      const rows = await repo.listPlaybookRows(db, actor.workspaceId, archived);
      const stages = await repo.listStageRows(db, actor.workspaceId, rows.map((r) => r.id));
      return rows.map((r) => presentPlaybook(r, stages));
    },

    async get(actor: Actor, id: string): Promise<Playbook> {
      return withStages(db, actor, await getPlaybookRow(db, actor, id));
    },

    /** Renames or (un)archives a playbook (admin). Archived playbooks take no new contacts. */
    async update(actor: Actor, id: string, patch: PlaybookUpdate, ifMatch?: number): Promise<Playbook> {
      requireRole(actor, 'admin');
      const now = clock.now();
      return db.transaction(async (tx) => {
        const current = await getPlaybookRow(tx, actor, id, true);
        checkVersion('playbook', current, ifMatch);
        const changes: Partial<PlaybookRow> = { updatedAt: now };
        if (patch.name !== undefined) changes.name = patch.name;
        if (patch.archived !== undefined) changes.archivedAt = patch.archived ? (current.archivedAt ?? now) : null;
        const row = await repo.updatePlaybookRow(tx, actor.workspaceId, id, changes).catch((e) => nameTaken(e, 'playbook', patch.name ?? '', '/name'));
        return withStages(tx, actor, row);
      });
    },

    /** Sets the display order of all the workspace's playbooks (admin). */
    async reorder(actor: Actor, playbookIds: string[]): Promise<Playbook[]> {
      requireRole(actor, 'admin');
      const now = clock.now();
      await db.transaction(async (tx) => {
        const current = await repo.listPlaybookRows(tx, actor.workspaceId, 'all');
        checkPermutation(playbookIds, current.map((p) => p.id), '/playbookIds');
        for (const [i, id] of playbookIds.entries()) await repo.updatePlaybookRow(tx, actor.workspaceId, id, { position: i, updatedAt: now });
      });
      return this.list(actor, 'all');
    },

    /** Adds a stage at the end of a playbook (admin). */
    async addStage(actor: Actor, playbookId: string, input: StageCreate): Promise<Stage> {
      requireRole(actor, 'admin');
      const now = clock.now();
      return db.transaction(async (tx) => {
        await getPlaybookRow(tx, actor, playbookId, true);
        const position = await repo.nextStagePosition(tx, actor.workspaceId, playbookId);
        const row = await repo
          .insertStageRow(tx, { workspaceId: actor.workspaceId, id: uuidv7(now.getTime()), playbookId, name: input.name, kind: input.kind, staleAfterDays: input.staleAfterDays ?? null, position, createdAt: now, updatedAt: now })
          .catch((e) => nameTaken(e, 'stage', input.name, '/name'));
        return presentStage(row);
      });
    },

    async getStage(actor: Actor, playbookId: string, stageId: string): Promise<Stage> {
      return presentStage(await getStageRow(db, actor, playbookId, stageId));
    },

    /** Renames, re-kinds, sets the stale limit of, or (un)archives a stage (admin). */
    async updateStage(actor: Actor, playbookId: string, stageId: string, patch: StageUpdate, ifMatch?: number): Promise<Stage> {
      requireRole(actor, 'admin');
      const now = clock.now();
      return db.transaction(async (tx) => {
        const current = await getStageRow(tx, actor, playbookId, stageId, 'update');
        checkVersion('stage', current, ifMatch);
        const changes: Partial<StageRow> = { updatedAt: now };
        if (patch.name !== undefined) changes.name = patch.name;
        if (patch.kind !== undefined) changes.kind = patch.kind;
        if (patch.staleAfterDays !== undefined) changes.staleAfterDays = patch.staleAfterDays;
        if (patch.archived !== undefined) changes.archivedAt = patch.archived ? (current.archivedAt ?? now) : null;
        const row = await repo.updateStageRow(tx, actor.workspaceId, stageId, changes).catch((e) => nameTaken(e, 'stage', patch.name ?? '', '/name'));
        return presentStage(row);
      });
    },

    /** Sets the order of a playbook's stages (admin); the list must name every stage once. */
    async reorderStages(actor: Actor, playbookId: string, stageIds: string[]): Promise<Playbook> {
      requireRole(actor, 'admin');
      const now = clock.now();
      return db.transaction(async (tx) => {
        const p = await getPlaybookRow(tx, actor, playbookId, true);
        const current = await repo.listStageRows(tx, actor.workspaceId, [playbookId]);
        checkPermutation(stageIds, current.map((s) => s.id), '/stageIds');
        for (const [i, id] of stageIds.entries()) await repo.updateStageRow(tx, actor.workspaceId, id, { position: i, updatedAt: now });
        return withStages(tx, actor, p);
      });
    },

    /**
     * Deletes a stage (admin) once no live contact is in it: otherwise a 409 with the count, so
     * the admin moves them first. Trashed contacts in it lose the stage (their history keeps it).
     */
    async deleteStage(actor: Actor, playbookId: string, stageId: string, ifMatch?: number): Promise<void> {
      requireRole(actor, 'admin');
      await db.transaction(async (tx) => {
        const stage = await getStageRow(tx, actor, playbookId, stageId, 'update');
        checkVersion('stage', stage, ifMatch);
        const count = await countContactsInStage(tx, actor.workspaceId, stageId, true);
        if (count > 0) {
          throw new AppError('stage_has_contacts', `${count} contact(s) are in stage "${stage.name}"; move them to another stage first`, {
            status: 409,
            extra: { count, stageId },
          });
        }
        await detachTrashedFromStage(tx, actor.workspaceId, stageId);
        await repo.deleteStageRow(tx, actor.workspaceId, stageId);
      });
    },
  };
}

export type PlaybooksService = ReturnType<typeof makePlaybooksService>;

/** The contacts service's StageNameLoader: names for a page of contacts in one query. */
export const loadStageNames = (db: Db, workspaceId: string, stageIds: string[]) => repo.stageNamesByIds(db, workspaceId, stageIds);
