import type { Deps } from '../deps.ts';
import type { Actor } from '../lib/actor.ts';
import { AppError } from '../lib/errors.ts';
import { isUuid } from '../lib/ids.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { fail, ok, parseCommandArgs, type CommandResult } from './command-result.ts';

const USAGE = `  user create --owner --email E --name N [--workspace ID | --workspace-name N] [--password-stdin] [--json]
                                              the first owner (and a workspace unless --workspace); without
                                              --password-stdin prints a one-time invite link to set the password
  user set-password --workspace ID --email E --password-stdin   ends the user's sessions`;

/**
 * The option the password travels in once read from standard input by the CLI process itself
 * (`readPasswordStdin`, before the command runs locally or through the server's bridge, whose
 * process does not share our stdin). It is never typed on a command line, so never in `ps`.
 */
const STDIN_OPTION = '--password-from-stdin';

/**
 * Replaces `--password-stdin` with the password read from standard input (first line; a
 * trailing newline is not part of it). Called by the CLI process before it dispatches.
 */
export async function readPasswordStdin(argv: string[], stdin: NodeJS.ReadableStream = process.stdin): Promise<string[]> {
  if (argv[0] !== 'user' || !argv.includes('--password-stdin')) return argv.filter((a) => !a.startsWith(STDIN_OPTION));
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  return [...argv.filter((a) => a !== '--password-stdin' && !a.startsWith(STDIN_OPTION)), `${STDIN_OPTION}=${password}`];
}

const cliActor = (workspaceId: string): Actor => ({ workspaceId, role: 'owner', userId: null, type: 'cli', principalId: workspaceId });
const inviteBase = (deps: Deps) => (process.env.VIXIEES_PUBLIC_URL ?? `http://localhost:${deps.config.port || 3000}`).replace(/\/+$/, '');

/**
 * `vixiees user create --owner` and `vixiees user set-password`: set-up on the server machine
 * (trusted). An AreaCommand by shape (not by import, which would close a cycle with area-commands).
 */
export const userCommand = {
  usage: USAGE,
  async run(deps: Deps, argv: string[]): Promise<CommandResult | undefined> {
    if (argv[0] !== 'user') return undefined;
    const args = parseCommandArgs(
      argv.slice(1),
      {
        owner: { type: 'boolean' }, email: { type: 'string' }, name: { type: 'string' }, workspace: { type: 'string' }, 'workspace-name': { type: 'string' },
        'password-stdin': { type: 'boolean' }, 'password-from-stdin': { type: 'string' }, json: { type: 'boolean' },
      },
      USAGE,
    );
    if ('answer' in args) return args.answer;
    const { values: o, positionals } = args.parsed;
    const password = o['password-from-stdin'];
    if (o['password-stdin'] && password === undefined) return fail('--password-stdin: no password was read from standard input', 2);
    if (!o.email) return fail('--email is required', 2);
    const email = o.email.trim().toLowerCase();
    if (o.workspace !== undefined && !isUuid(o.workspace)) return fail('--workspace must be a workspace id (UUID)', 2);
    const { workspaces, sessions } = deps.services;

    switch (positionals.join(' ')) {
      case 'create': {
        if (!o.owner) return fail('Only owners are created here (--owner); add other users from the web app or POST /v1/users and invite them', 2);
        if (!o.name) return fail('--name is required', 2);
        if (o.workspace && o['workspace-name']) return fail('Give --workspace or --workspace-name, not both', 2);
        let workspaceId: string;
        let userId: string;
        let apiKey: string | undefined;
        if (o.workspace) {
          workspaceId = o.workspace;
          const wsId = workspaceId;
          const user = await inWorkspace(wsId, () => workspaces.createUser(cliActor(wsId), { email, name: o.name, role: 'owner' }));
          userId = user.id;
        } else {
          const r = await workspaces.create({ name: o['workspace-name'] ?? o.name, ownerEmail: email, ownerName: o.name });
          workspaceId = r.workspace.id;
          userId = r.owner.id;
          apiKey = r.apiKey.secret;
        }
        const actor = cliActor(workspaceId);
        let invite: { inviteUrl: string; expiresAt: string } | undefined;
        if (password !== undefined) {
          await sessions.setPassword(actor, userId, password);
        } else {
          const { token, expiresAt } = await sessions.createInvite(actor, userId);
          invite = { inviteUrl: `${inviteBase(deps)}/invite#token=${token}`, expiresAt };
        }
        if (o.json) return ok(JSON.stringify({ workspaceId, userId, email, ...(apiKey ? { apiKey } : {}), ...(invite ?? {}) }, null, 2));
        return ok(
          [
            `Owner ${email} (${userId}) in workspace ${workspaceId}`,
            apiKey ? `First API key (shown once, keep it safe):\n${apiKey}` : undefined,
            invite ? `Set the password with this one-time link (until ${invite.expiresAt}):\n${invite.inviteUrl}` : 'Password set: sign in with it.',
          ].filter(Boolean).join('\n'),
        );
      }
      case 'set-password': {
        if (!o.workspace) return fail('--workspace is required', 2);
        if (password === undefined) return fail('--password-stdin is required (the password is read from standard input)', 2);
        const actor = cliActor(o.workspace);
        const { revoked } = await inWorkspace(actor.workspaceId, async () => {
          const user = (await workspaces.listUsers(actor)).find((u) => u.email.trim().toLowerCase() === email);
          if (!user) throw new AppError('not_found', `No user ${email} in workspace ${actor.workspaceId}`);
          return sessions.setPassword(actor, user.id, password);
        });
        return ok(`Password set for ${email}; ${revoked} session(s) ended.`);
      }
      default:
        return fail(`Unknown command: user ${positionals.join(' ')}\n\nUsage:\n${USAGE}`, 2);
    }
  },
};
