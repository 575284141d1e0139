import type { Actor } from '../lib/actor.ts';
import type { Attribute } from '../attributes/attributes.schema.ts';
import type { Deps } from '../deps.ts';
import { fold, type MappingContext } from './map-row.ts';
import { cellParsers } from './cell-parsing.ts';

/** What the import's parts are built from (a part of Deps). */
export type ImportsDeps = Pick<Deps, 'db' | 'clock' | 'cursors' | 'config' | 'services'>;

/** Users, playbooks and attribute definitions of the workspace, read once for a run. */
export async function loadMappingContext(services: Deps['services'], actor: Actor): Promise<MappingContext & { attributes: Attribute[] }> {
  // One after the other: inside a transaction they share one connection.
  const workspace = await services.workspaces.get(actor);
  const users = await services.workspaces.listUsers(actor);
  const playbooks = await services.playbooks.list(actor, 'false');
  const attributes = await services.contactAttributes.list(actor);
  const parsers = cellParsers(attributes, workspace.locale);
  return {
    attributes,
    users: new Map(users.map((u) => [u.email.toLowerCase(), u.id])),
    playbooks: new Map(playbooks.map((p) => [fold(p.name), { id: p.id, stages: new Map(p.stages.map((s) => [fold(s.name), s.id])) }])),
    ...parsers,
  };
}
