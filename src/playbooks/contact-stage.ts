import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { notFound, validationFailed } from '../lib/errors.ts';
import { uuidv7, uuidv7Source } from '../lib/ids.ts';
import { insertOutboxRows, recordOutbox, type OutboxRow } from '../lib/jobs/outbox.ts';
import { findContactRow, insertContactEvents, lockContactRow, lockStageStates, recordContactEvent, updateContactRow, writeContactStages, type ContactEventRow } from '../contacts/contacts.service.ts';
import { presentContact } from '../contacts/contacts.present.ts';
import type { Contact } from '../contacts/contacts.schema.ts';
import type { ContactRow } from '../contacts/contacts.service.ts';
import * as repo from './playbooks.repo.ts';
import type { StageAssignment, StageChange, StageDuration } from './playbooks.schema.ts';
import { checkVersion } from './playbooks.service.ts';
import type { StageHistoryRow } from './playbooks.tables.ts';

export type MoveOptions = { ifMatch?: number; source?: string };
export type StageMove = { contactId: string; playbookId: string; stageId: string };

const sourceFor = (actor: Actor): string => (actor.type === 'user' ? 'manual' : actor.type === 'cli' ? 'cli' : 'api');

/**
 * Time spent in each stage so far, from the ordered history: each entry's destination is
 * occupied until the next entry, the last one until `now`. Pure, so it is tested as a table.
 */
export function stageDurations(history: Pick<StageHistoryRow, 'toPlaybookId' | 'toStageId' | 'changedAt'>[], now: Date, current: string | null): Map<string, { playbookId: string | null; seconds: number; visits: number; ms: number }> {
  const out = new Map<string, { playbookId: string | null; seconds: number; visits: number; ms: number }>();
  history.forEach((h, i) => {
    if (!h.toStageId) return;
    const end = i + 1 < history.length ? history[i + 1]!.changedAt : now;
    const entry = out.get(h.toStageId) ?? { playbookId: h.toPlaybookId, seconds: 0, visits: 0, ms: 0 };
    entry.ms += Math.max(0, end.getTime() - h.changedAt.getTime());
    entry.visits += 1;
    entry.seconds = Math.floor(entry.ms / 1000);
    out.set(h.toStageId, entry);
  });
  if (current && !out.has(current)) out.set(current, { playbookId: null, seconds: 0, visits: 0, ms: 0 });
  return out;
}

export function makeContactStageService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function present(tx: Db, row: ContactRow): Promise<Contact> {
    const names = row.stageId ? await repo.stageNamesByIds(tx, row.workspaceId, [row.stageId]) : undefined;
    return presentContact(row, { now: clock.now(), stageNames: names });
  }

  async function liveContact(tx: Db, actor: Actor, id: string, lock: boolean): Promise<ContactRow> {
    const row = lock ? await lockContactRow(tx, actor.workspaceId, id) : await findContactRow(tx, actor.workspaceId, id);
    if (!row || row.deletedAt) throw notFound('Contact', id);
    return row;
  }

  /** Writes the move on the contact, in the history, on the timeline and in the outbox. */
  async function move(tx: Db, actor: Actor, current: ContactRow, to: { playbookId: string; stageId: string } | null, opts: MoveOptions): Promise<ContactRow> {
    const now = clock.now();
    const row = await updateContactRow(tx, actor.workspaceId, current.id, {
      playbookId: to?.playbookId ?? null,
      stageId: to?.stageId ?? null,
      stageEnteredAt: to ? now : null,
      updatedAt: now,
    });
    const source = opts.source ?? sourceFor(actor);
    const from = current.stageId ? { playbookId: current.playbookId!, stageId: current.stageId } : null;
    await repo.insertStageHistory(tx, {
      workspaceId: actor.workspaceId,
      id: uuidv7(now.getTime()),
      contactId: current.id,
      fromPlaybookId: from?.playbookId ?? null,
      fromStageId: from?.stageId ?? null,
      toPlaybookId: to?.playbookId ?? null,
      toStageId: to?.stageId ?? null,
      changedAt: now,
      actorType: actor.type,
      actorId: actor.userId ?? actor.principalId,
      source,
    });
    const secondsInPrevious = current.stageEnteredAt ? Math.floor((now.getTime() - current.stageEnteredAt.getTime()) / 1000) : null;
    await recordContactEvent(tx, actor, current.id, 'contact.stage_changed', { from, to, source, secondsInPrevious }, now);
    await recordOutbox(tx, actor.workspaceId, { topic: 'contact.changed', payload: { contactId: current.id, change: 'stage_changed', from, to } }, now);
    return row!;
  }

  return {
    /**
     * Puts a contact in a stage (assigning it to the stage's playbook), or moves it. The stage must
     * belong to `playbookId`; archived playbooks and stages take no contacts. Same stage: no-op.
     */
    async setStage(actor: Actor, contactId: string, to: StageAssignment, opts: MoveOptions = {}): Promise<Contact> {
      return db.transaction(async (tx) => {
        const current = await liveContact(tx, actor, contactId, true);
        checkVersion('contact', current, opts.ifMatch);
        const playbook = await repo.findPlaybookRow(tx, actor.workspaceId, to.playbookId);
        if (!playbook) throw validationFailed([{ pointer: '/playbookId', code: 'not_found', message: `No playbook ${to.playbookId} in this workspace` }]);
        // Key-share lock: the stage cannot be deleted until this move commits.
        const stage = await repo.findStageRow(tx, actor.workspaceId, to.stageId, 'share');
        if (!stage) throw validationFailed([{ pointer: '/stageId', code: 'not_found', message: `No stage ${to.stageId} in this workspace` }]);
        if (stage.playbookId !== playbook.id) {
          throw validationFailed([{ pointer: '/stageId', code: 'stage_not_in_playbook', message: `Stage ${stage.id} belongs to another playbook, not ${playbook.id}` }]);
        }
        if (current.stageId === stage.id) return present(tx, current);
        if (playbook.archivedAt) throw validationFailed([{ pointer: '/playbookId', code: 'archived', message: `Playbook "${playbook.name}" is archived` }]);
        if (stage.archivedAt) throw validationFailed([{ pointer: '/stageId', code: 'archived', message: `Stage "${stage.name}" is archived` }]);
        return present(tx, await move(tx, actor, current, { playbookId: playbook.id, stageId: stage.id }, opts));
      });
    },

    /**
     * Many contacts into stages at once, in the caller's transaction (an import's batch): the same
     * rules and the same records as `setStage` (history, timeline event, outbox row), but each
     * table is written once for the batch. Per contact, one transaction of ten statements made a
     * staged import twelve times slower than one without stages. A move to an unknown or archived
     * stage, or to a stage of another playbook, is left out, as is a contact already in its stage
     * or deleted. Gives the version of every contact named (moved or not).
     */
    async setStages(actor: Actor, moves: StageMove[], opts: Pick<MoveOptions, 'source'> = {}): Promise<Map<string, number>> {
      if (moves.length === 0) return new Map();
      return db.transaction(async (tx) => {
        const ws = actor.workspaceId;
        const now = clock.now();
        const at = now.toISOString();
        const allowed = new Set<string>();
        for (const stageId of new Set(moves.map((m) => m.stageId))) {
          // Key-share lock: the stage cannot be deleted until these moves commit.
          const stage = await repo.findStageRow(tx, ws, stageId, 'share');
          const playbook = stage ? await repo.findPlaybookRow(tx, ws, stage.playbookId) : undefined;
          if (stage && playbook && !stage.archivedAt && !playbook.archivedAt) allowed.add(`${playbook.id}|${stage.id}`);
        }
        // One move per contact: the last one named wins, as it would one after the other.
        const wanted = new Map(moves.filter((m) => allowed.has(`${m.playbookId}|${m.stageId}`)).map((m) => [m.contactId, m]));
        const states = await lockStageStates(tx, ws, [...new Set(moves.map((m) => m.contactId))]);
        const versions = new Map(states.map((s) => [s.id, Number(s.version)]));
        const moving = states.filter((s) => !s.deleted && wanted.has(s.id) && wanted.get(s.id)!.stageId !== s.stage_id);
        const written = await writeContactStages(tx, ws, moving.map((s) => ({ id: s.id, playbook_id: wanted.get(s.id)!.playbookId, stage_id: wanted.get(s.id)!.stageId })), at);
        const source = opts.source ?? sourceFor(actor);
        const actorId = actor.userId ?? actor.principalId;
        const history: Parameters<typeof repo.insertStageHistoryRows>[1] = [];
        const events: ContactEventRow[] = [];
        const outbox: OutboxRow[] = [];
        const newId = uuidv7Source(now.getTime());
        for (const s of moving) {
          const to = { playbookId: wanted.get(s.id)!.playbookId, stageId: wanted.get(s.id)!.stageId };
          const from = s.stage_id ? { playbookId: s.playbook_id!, stageId: s.stage_id } : null;
          const secondsInPrevious = s.stage_entered_at ? Math.floor((now.getTime() - new Date(s.stage_entered_at).getTime()) / 1000) : null;
          history.push({ workspaceId: ws, id: newId(), contactId: s.id, fromPlaybookId: from?.playbookId ?? null, fromStageId: from?.stageId ?? null, toPlaybookId: to.playbookId, toStageId: to.stageId, changedAt: now, actorType: actor.type, actorId, source });
          events.push({ id: newId(), contact_id: s.id, type: 'contact.stage_changed', data: { from, to, source, secondsInPrevious }, actor_type: actor.type, actor_id: actorId, occurred_at: at });
          outbox.push({ id: newId(), topic: 'contact.changed', payload: { contactId: s.id, change: 'stage_changed', from, to }, created_at: at });
        }
        await repo.insertStageHistoryRows(tx, history);
        await insertContactEvents(tx, ws, events);
        await insertOutboxRows(tx, ws, outbox);
        for (const [id, version] of written) versions.set(id, version);
        return versions;
      });
    },

    /** Takes a contact out of its playbook; a contact without one is left as is. */
    async clearStage(actor: Actor, contactId: string, opts: MoveOptions = {}): Promise<Contact> {
      return db.transaction(async (tx) => {
        const current = await liveContact(tx, actor, contactId, true);
        checkVersion('contact', current, opts.ifMatch);
        if (!current.stageId) return present(tx, current);
        return present(tx, await move(tx, actor, current, null, opts));
      });
    },

    /** Every stage change of the contact, oldest first. */
    async history(actor: Actor, contactId: string): Promise<StageChange[]> {
      await liveContact(db, actor, contactId, false);
      const rows = await repo.listStageHistory(db, actor.workspaceId, contactId);
      return rows.map((h) => ({
        id: h.id,
        from: h.fromStageId ? { playbookId: h.fromPlaybookId!, stageId: h.fromStageId } : null,
        to: h.toStageId ? { playbookId: h.toPlaybookId!, stageId: h.toStageId } : null,
        changedAt: h.changedAt.toISOString(),
        actorType: h.actorType,
        actorId: h.actorId,
        source: h.source,
      }));
    },

    /** Seconds spent in each stage so far (the current one up to now), in first-entered order. */
    async durations(actor: Actor, contactId: string): Promise<StageDuration[]> {
      const contact = await liveContact(db, actor, contactId, false);
      const history = await repo.listStageHistory(db, actor.workspaceId, contactId);
      const totals = stageDurations(history, clock.now(), contact.stageId);
      const names = await repo.stageNamesByIds(db, actor.workspaceId, [...totals.keys()]);
      return [...totals.entries()].map(([stageId, t]) => ({
        playbookId: t.playbookId ?? contact.playbookId,
        stageId,
        name: names.get(stageId) ?? null,
        seconds: t.seconds,
        visits: t.visits,
        current: stageId === contact.stageId,
      }));
    },
  };
}

export type ContactStageService = ReturnType<typeof makeContactStageService>;
