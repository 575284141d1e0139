import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createScratchDatabase } from '../src/lib/scratch-database.ts';

/**
 * The README's walkthrough, run as written: the server started the way the README starts it
 * (`npm start`), the walkthrough block pasted into bash with `-euo pipefail`, so any command that
 * fails (curl fails on an HTTP error) fails this test. If the README drifts from the product, or
 * needs a tool a fresh machine lacks, this breaks.
 */

const ROOT = join(import.meta.dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The shell blocks the README marks as its walkthrough: a ```sh fence right after `<!-- walkthrough … -->`. */
export function walkthroughBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/<!-- walkthrough\b[^>]*-->\s*\n```(?:sh|bash)\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** The environment of a new terminal: none of the variables npm, vitest or this run set. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_|VITEST|NODE_OPTIONS$|NODE_ENV$|DATABASE_URL$|VIXIEES_|PORT$|HOST$)/i.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

/**
 * A PATH with only the shell, node (with npm and npx) and curl, so a walkthrough that needs jq,
 * sed or grep fails here as it would on a fresh machine.
 */
function freshMachinePath(): string {
  const bin = mkdtempSync(join(tmpdir(), 'vixiees-walkthrough-bin-'));
  cleanups.push(() => rmSync(bin, { recursive: true, force: true }));
  const exists = (p: string) => {
    try {
      return Boolean(realpathSync(p));
    } catch {
      return false;
    }
  };
  for (const tool of ['bash', 'sh', 'node', 'npm', 'npx', 'curl']) {
    const found = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, tool)).find(exists);
    if (!found) throw new Error(`${tool} is not on PATH: the walkthrough test needs it`);
    symlinkSync(realpathSync(found), join(bin, tool));
  }
  return bin;
}

/** Collects a child's output (always read, so a chatty child never blocks on a full pipe). */
function collect(child: ChildProcess): { out: () => string; err: () => string; hung?: boolean } {
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  return { out: () => out, err: () => err };
}

/** `npm start`, as the README says, in its own process group so stopping it stops node too. */
async function startServer(env: NodeJS.ProcessEnv): Promise<string> {
  const server = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output = collect(server);
  cleanups.push(async () => {
    const groupAlive = () => {
      try {
        process.kill(-server.pid!, 0);
        return true;
      } catch {
        return false;
      }
    };
    if (groupAlive()) process.kill(-server.pid!, 'SIGTERM');
    // npm and the node under it: wait until both are gone (the data folder is released). A
    // server stuck on an unanswered request would never finish closing: kill it then.
    for (let i = 0; i < 300 && groupAlive(); i++) await new Promise((r) => setTimeout(r, 100));
    if (groupAlive()) process.kill(-server.pid!, 'SIGKILL');
  });
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output.out()}\n${output.err()}`)), 150_000);
    server.on('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output.out()}\n${output.err()}`)));
    server.stdout!.on('data', () => {
      const ready = output.out().split('\n').find((l) => l.includes('Vixiees is ready'));
      if (!ready) return;
      clearTimeout(timer);
      resolve((JSON.parse(ready) as { address: string }).address);
    });
  });
}

function runWalkthrough(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vixiees-walkthrough-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'walkthrough.sh');
  writeFileSync(file, script);
  const shell = spawn(join(env.PATH!, 'bash'), ['-euo', 'pipefail', file], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output = collect(shell);
  // A command that hangs fails the test with the output so far, rather than timing it out blind.
  const timer = setTimeout(() => {
    output.hung = true;
    process.kill(-shell.pid!, 'SIGKILL');
  }, 200_000);
  return new Promise((resolve) =>
    shell.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: output.out(), stderr: `${output.err()}${output.hung ? '\n(killed: a command hung)' : ''}` });
    }),
  );
}

/** Every line of the output that is a JSON object: the API's answers, in order. */
function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

type Contact = { id: string; company: string | null; additionalEmails: string[]; deletedAt: string | null; mergedIntoId: string | null; pendingAttention: { pending: boolean; reasons: { reason: string }[] } };

describe('the README walkthrough', () => {
  it('is marked in the README as one shell block that uses no tool beyond node, npx and curl', () => {
    const blocks = walkthroughBlocks(README);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toContain('npx vixiees workspace create');
    // Everything the user must run is in the block, nothing to copy by hand from earlier output.
    expect(blocks[0]).not.toMatch(/vx_live_…|<[a-z ]+>|\bjq\b/);
  });

  // Starting the server and a dozen real processes and requests: slow on a busy 2-core machine.
  it('runs as written against a server started with npm start', { timeout: 420_000 }, async () => {
    const [block] = walkthroughBlocks(README);
    const backendEnv: Record<string, string> = {};
    const serverUrl = process.env.DATABASE_URL;
    if (inject('testDatabaseUrl') && serverUrl) {
      // A database of its own: the server's workers must not take other test files' jobs.
      const scratch = await createScratchDatabase(serverUrl, 'vixiees_walkthrough');
      cleanups.push(() => scratch.drop());
      backendEnv.DATABASE_URL = scratch.url;
    } else {
      const dataDir = mkdtempSync(join(tmpdir(), 'vixiees-walkthrough-data-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      backendEnv.VIXIEES_DATA_DIR = dataDir;
    }
    const address = await startServer(cleanEnv({ ...backendEnv, PORT: '0', LOG_LEVEL: 'info' }));

    const run = await runWalkthrough(block!, cleanEnv({ ...backendEnv, VIXIEES_URL: address, PATH: freshMachinePath() }));
    expect(run.code, `walkthrough failed:\n${run.stdout}\n${run.stderr}`).toBe(0);

    const idLine = /^José is (\S+), phone (\S+)$/m.exec(run.stdout);
    expect(idLine?.[1]).toMatch(UUID);
    expect(idLine?.[2]).toBe('+34612345678');
    const joseId = idLine![1]!;
    expect(run.stdout).toContain('stale If-Match: HTTP 412');

    const answers = jsonLines(run.stdout);
    /** The answer printed right after the first one that `is` describes. */
    const after = (is: (a: Record<string, unknown>) => boolean) => answers[answers.findIndex(is) + 1] as { data: Contact[] } | undefined;
    // The attention queue: José waits after his WhatsApp message, and no longer after the answer.
    const queued = after((a) => a.direction === 'inbound');
    expect(queued?.data.map((c) => [c.id, c.pendingAttention.reasons.map((r) => r.reason)])).toEqual([[joseId, ['whatsapp']]]);
    expect(after((a) => a.direction === 'outbound')?.data).toEqual([]);

    const contacts = answers.filter((a) => typeof a.id === 'string' && 'pendingAttention' in a) as Contact[];
    const merged = contacts.find((c) => c.id === joseId && c.additionalEmails.length > 0);
    expect(merged).toMatchObject({ company: 'Acme SL', additionalEmails: ['pepe.garcia@acme.example'] });
    const pepe = contacts.find((c) => c.mergedIntoId === joseId);
    expect(pepe?.deletedAt).toMatch(/^\d{4}-/);
    // Deleted and restored: the last answer is José back from the trash.
    expect(contacts.at(-1)).toMatchObject({ id: joseId, deletedAt: null, pendingAttention: { pending: false, reasons: [] } });
  });
});
