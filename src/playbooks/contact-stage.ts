import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { notFound, validationFailed } from '../lib/errors.ts';
import { uuidv7 } from '../lib/ids.ts';
import { recordOutbox } from '../lib/jobs/outbox.ts';
import { findContactRow, lockContactRow, recordContactEvent, updateContactRow } from '../contacts/contacts.service.ts';
import { presentContact } from '../contacts/contacts.present.ts';
import type { Contact } from '../contacts/contacts.schema.ts';
import type { ContactRow } from '../contacts/contacts.service.ts';
import * as repo from './playbooks.repo.ts';
import type { StageAssignment, StageChange, StageDuration } from './playbooks.schema.ts';
import { checkVersion } from './playbooks.service.ts';
import type { StageHistoryRow } from './playbooks.tables.ts';

export type MoveOptions = { ifMatch?: number; source?: string };

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
