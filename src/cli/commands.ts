import { parseArgs } from 'node:util';
import type { Deps } from '../deps.ts';
import type { Actor } from '../lib/actor.ts';
import { AppError } from '../lib/errors.ts';
import { isUuid } from '../lib/ids.ts';
import { migrate } from '../lib/migrate.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { ContactCreate, ContactListQuery } from '../contacts/contacts.schema.ts';
import { WorkspaceCreate } from '../workspaces/workspaces.schema.ts';

import { AREA_COMMANDS } from './area-commands.ts';
import { fail, ok, type CommandResult } from './command-result.ts';

export type { CommandResult } from './command-result.ts';

const CORE_USAGE = `Usage: vixiees <command> [options]

  migrate                                     apply pending database migrations
  workspace create --name N [--country ES] [--time-zone Europe/Madrid] [--locale es-ES] [--owner-email E] [--json]
  apikey create --workspace ID --name N [--role owner|admin|member] [--json]
  apikey list   --workspace ID [--json]
  apikey revoke --workspace ID --id KEY_ID [--json]
  contacts get    --workspace ID CONTACT_ID                 (contacts print JSON)
  contacts list   --workspace ID [--limit 50] [--cursor C]
  contacts create --workspace ID [--first-name F] [--last-name L] [--email E] [--phone P] [--company C]

`;

export const USAGE = `${CORE_USAGE}${AREA_COMMANDS.map((c) => c.usage.trimEnd()).join('\n')}${AREA_COMMANDS.length ? '\n' : ''}
Set DATABASE_URL to use a PostgreSQL server; otherwise the embedded database in VIXIEES_DATA_DIR (./data).
`;

const OPTIONS = {
  name: { type: 'string' },
  country: { type: 'string' },
  'time-zone': { type: 'string' },
  locale: { type: 'string' },
  'owner-email': { type: 'string' },
  workspace: { type: 'string' },
  role: { type: 'string' },
  id: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  'first-name': { type: 'string' },
  'last-name': { type: 'string' },
  email: { type: 'string' },
  phone: { type: 'string' },
  company: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

const json = (v: unknown) => JSON.stringify(v, null, 2);

/**
 * Runs tenant work for the workspace named by `--workspace`, as its trusted owner (the CLI runs on
 * the server machine). The tenant scope is what row-level security reads: without it the
 * command would see no rows, whether it runs in its own process or inside the server's bridge.
 */
function forWorkspace<T>(workspaceId: string | undefined, fn: (actor: Actor) => Promise<T>): Promise<T> {
  if (!workspaceId || !isUuid(workspaceId)) throw new AppError('validation_failed', '--workspace must be a workspace id (UUID)');
  const actor: Actor = { workspaceId, role: 'owner', userId: null, type: 'cli', principalId: workspaceId };
  return inWorkspace(workspaceId, () => fn(actor));
}

/** Runs one CLI command with the given dependencies; returns its output instead of printing it. */
export async function executeCommand(deps: Deps, argv: string[]): Promise<CommandResult> {
  for (const command of AREA_COMMANDS) {
    try {
      const result = await command.run(deps, argv);
      if (result) return result;
    } catch (err) {
      return fail(describeError(err));
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    return fail(`${(err as Error).message}\n\n${USAGE}`, 2);
  }
  const { values: o, positionals } = parsed;
  const [group, action, arg] = positionals;
  if (o.help || !group) return ok(USAGE);
  try {
    switch (`${group} ${action ?? ''}`.trim()) {
      case 'migrate': {
        const applied = await migrate(deps.database);
        return ok(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date');
      }
      case 'workspace create': {
        const input = WorkspaceCreate.parse({ name: o.name, defaultCountry: o.country, timeZone: o['time-zone'], locale: o.locale, ownerEmail: o['owner-email'] });
        const r = await deps.services.workspaces.create(input);
        if (o.json) return ok(json({ workspaceId: r.workspace.id, ownerUserId: r.owner.id, apiKey: r.apiKey.secret, apiKeyId: r.apiKey.id }));
        return ok(
          `Workspace created: ${r.workspace.id} (${r.workspace.name}, ${r.workspace.defaultCountry})\n` +
            `Owner user:        ${r.owner.id}\n` +
            `API key (shown once, keep it safe):\n${r.apiKey.secret}`,
        );
      }
      case 'apikey create': {
        const role = (o.role ?? 'admin') as 'owner' | 'admin' | 'member';
        if (!['owner', 'admin', 'member'].includes(role)) return fail('--role must be owner, admin or member', 2);
        const name = o.name;
        if (!name) return fail('--name is required', 2);
        const key = await forWorkspace(o.workspace, (actor) => deps.services.apiKeys.create(actor, { name, role }));
        return ok(o.json ? json(key) : `API key ${key.id} (${key.role}) created; shown once:\n${key.secret}`);
      }
      case 'apikey list': {
        const keys = await forWorkspace(o.workspace, (actor) => deps.services.apiKeys.list(actor));
        if (o.json) return ok(json(keys));
        return ok(keys.map((k) => `${k.id}  ${k.prefix}…  ${k.role.padEnd(6)}  ${k.revokedAt ? 'revoked' : 'active '}  ${k.name}`).join('\n') || 'No API keys');
      }
      case 'apikey revoke': {
        if (!o.id || !isUuid(o.id)) return fail('--id must be the API key id (UUID)', 2);
        const keyId = o.id;
        const key = await forWorkspace(o.workspace, (actor) => deps.services.apiKeys.revoke(actor, keyId));
        return ok(o.json ? json(key) : `API key ${key.id} revoked at ${key.revokedAt}`);
      }
      // Contacts are printed as JSON with or without --json (accepted for symmetry with the rest).
      case 'contacts get': {
        if (!arg || !isUuid(arg)) return fail('Give the contact id: contacts get --workspace ID CONTACT_ID', 2);
        return ok(json(await forWorkspace(o.workspace, (actor) => deps.services.contacts.get(actor, arg))));
      }
      case 'contacts list': {
        const q = ContactListQuery.parse({ limit: o.limit, cursor: o.cursor });
        return ok(json(await forWorkspace(o.workspace, (actor) => deps.services.contactLists.listContacts(actor, q))));
      }
      case 'contacts create': {
        const input = ContactCreate.parse({ firstName: o['first-name'], lastName: o['last-name'], email: o.email, phone: o.phone, company: o.company, source: 'manual' });
        return ok(json(await forWorkspace(o.workspace, (actor) => deps.services.contacts.create(actor, input))));
      }
      default:
        return fail(`Unknown command: ${positionals.join(' ')}\n\n${USAGE}`, 2);
    }
  } catch (err) {
    return fail(describeError(err));
  }
}

export function describeError(err: unknown): string {
  if (err instanceof AppError) {
    const fields = err.errors?.map((e) => `  ${e.pointer}: ${e.message} (${e.code})`).join('\n');
    return `Error (${err.code}): ${err.message}${fields ? `\n${fields}` : ''}`;
  }
  if (err && typeof err === 'object' && 'issues' in err) {
    const issues = (err as { issues: { path: PropertyKey[]; message: string }[] }).issues;
    return `Invalid options:\n${issues.map((i) => `  --${i.path.join('.')}: ${i.message}`).join('\n')}`;
  }
  return `Error: ${(err as Error).message ?? String(err)}`;
}
