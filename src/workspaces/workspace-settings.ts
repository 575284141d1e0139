import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { notFound } from '../lib/errors.ts';
import { TtlCache } from '../lib/ttl-cache.ts';
import { findWorkspace } from './workspaces.repo.ts';

export type WorkspaceSettings = { defaultCountry: string; timeZone: string; locale: string };

/** Reads a workspace's settings on `db` (a transaction, when the caller is in one). */
export type WorkspaceSettingsReader = (db: Db, workspaceId: string) => Promise<WorkspaceSettings>;

/** The settings as stored now, uncached. */
export const readWorkspaceSettings: WorkspaceSettingsReader = async (db, workspaceId) => {
  const ws = await findWorkspace(db, workspaceId);
  if (!ws) throw notFound('Workspace', workspaceId);
  return { defaultCountry: ws.defaultCountry, timeZone: ws.timeZone, locale: ws.locale };
};

/**
 * Settings are read on every contact write (the phone country) and change rarely, so the
 * workspaces service keeps them a few seconds in memory. A change made through this process is
 * seen at once (`forget`); another API process sees it within SETTINGS_TTL_MS, which is as stale
 * as a default phone country may be. Bounded, so a process serving many workspaces keeps only
 * the busiest.
 */
export const SETTINGS_TTL_MS = 5_000;
const SETTINGS_MAX = 1_000;

/** The per-process settings cache; one per workspaces service, timed by its clock. */
export function makeWorkspaceSettingsCache(deps: { clock: Clock }) {
  const cache = new TtlCache<string, WorkspaceSettings>({ clock: deps.clock, ttlMs: SETTINGS_TTL_MS, max: SETTINGS_MAX });
  const get: WorkspaceSettingsReader = async (db, workspaceId) => {
    const hit = cache.get(workspaceId);
    if (hit) return hit;
    const settings = await readWorkspaceSettings(db, workspaceId);
    cache.set(workspaceId, settings);
    return settings;
  };
  return { get, forget: (workspaceId: string) => cache.delete(workspaceId) };
}
