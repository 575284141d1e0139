import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedBackend, killServers, runCliJson, startServer, type ProcessBackend } from './server-process.ts';

/**
 * Exactly-once writes, proven with a real process killed (SIGKILL, no clean-up) at the two
 * moments that matter: just before the transaction holding the change and its stored response
 * commits, and just after it commits but before the response leaves. A retry with the same
 * Idempotency-Key must then run once (nothing was applied) or replay (everything was).
 * `VIXIEES_CRASH_POINT` is the server's test hook for placing the kill.
 */
let backend: ProcessBackend;
let apiKey: string;

beforeAll(async () => {
  backend = await isolatedBackend('vixiees_crash');
  const created = runCliJson(backend, ['workspace', 'create', '--name', 'Crash test', '--json']) as { apiKey: string };
  apiKey = created.apiKey;
}, 180_000);
afterAll(async () => {
  killServers();
  await backend?.cleanup();
});

const createContact = (base: string, email: string, key: string) =>
  fetch(`${base}/v1/contacts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ firstName: 'Crash', email }),
  });

const contactsWithEmail = async (base: string, email: string): Promise<string[]> => {
  const res = await fetch(`${base}/v1/contacts/search`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ filter: { field: 'email', op: 'eq', value: email } }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { id: string }[] }).data.map((c) => c.id);
};

describe('a POST with Idempotency-Key when the server dies', { timeout: 400_000 }, () => {
  // Three server lives, each killed at the next point, so the file starts as few servers as it can.
  it('after the commit the retry replays; before the commit the retry runs once; nothing is ever created twice', async () => {
    const first = await startServer(backend, { VIXIEES_CRASH_POINT: 'after-commit' });
    await expect(createContact(first.base, 'after-commit@example.com', 'crash-after-commit')).rejects.toThrow();
    expect(await first.exited).toBeNull(); // killed by the signal, not exited

    // The second life dies before any new commit, but a replay commits nothing new and answers.
    const second = await startServer(backend, { VIXIEES_CRASH_POINT: 'before-commit' });
    const replayed = await createContact(second.base, 'after-commit@example.com', 'crash-after-commit');
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    const afterCommit = (await replayed.json()) as { id: string; email: string };
    expect(afterCommit.email).toBe('after-commit@example.com');
    await expect(createContact(second.base, 'before-commit@example.com', 'crash-before-commit')).rejects.toThrow();
    expect(await second.exited).toBeNull();

    const third = await startServer(backend);
    expect(await contactsWithEmail(third.base, 'after-commit@example.com')).toEqual([afterCommit.id]);
    expect(await contactsWithEmail(third.base, 'before-commit@example.com')).toEqual([]);
    const retry = await createContact(third.base, 'before-commit@example.com', 'crash-before-commit');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    const beforeCommit = (await retry.json()) as { id: string };
    const again = await createContact(third.base, 'before-commit@example.com', 'crash-before-commit');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as { id: string }).id).toBe(beforeCommit.id);
    expect(await contactsWithEmail(third.base, 'before-commit@example.com')).toEqual([beforeCommit.id]);
    third.proc.kill('SIGTERM');
    await third.exited;
  });
});
