import { describe, expect, it } from 'vitest';
import type { Deps } from '../deps.ts';
import { AREA_COMMANDS } from './area-commands.ts';
import { parseCommandArgs } from './command-result.ts';

// Help and option errors are answered before a command touches its dependencies.
const noDeps = undefined as unknown as Deps;
const NAMES = ['export', 'user', 'import'];

describe('area commands', () => {
  it.each(NAMES)('%s --help prints its usage and exits 0', async (name) => {
    const results = await Promise.all(AREA_COMMANDS.map((c) => c.run(noDeps, [name, '--help'])));
    const answered = results.filter((r) => r !== undefined);
    expect(answered).toHaveLength(1);
    const command = AREA_COMMANDS[results.findIndex((r) => r !== undefined)]!;
    expect(answered[0]).toEqual({ exitCode: 0, stdout: `Usage:\n${command.usage}\n`, stderr: '' });
  });

  it.each(NAMES)('%s with an unknown option names it, prints the usage and exits 2', async (name) => {
    const [answer] = (await Promise.all(AREA_COMMANDS.map((c) => c.run(noDeps, [name, '--frobnicate'])))).filter((r) => r !== undefined);
    expect(answer!.exitCode).toBe(2);
    expect(answer!.stdout).toBe('');
    expect(answer!.stderr).toContain("'--frobnicate'");
    expect(answer!.stderr).toContain('Usage:\n');
  });

  it('parses values and positionals strictly, with --help added', () => {
    const args = parseCommandArgs(['contacts', '--workspace', 'w1', '--json'], { workspace: { type: 'string' }, json: { type: 'boolean' } }, 'usage');
    expect(args).toEqual({ parsed: { values: { workspace: 'w1', json: true }, positionals: ['contacts'] } });
    expect(parseCommandArgs(['--json=yes'], { json: { type: 'boolean' } }, 'usage')).toMatchObject({ answer: { exitCode: 2 } });
  });
});
