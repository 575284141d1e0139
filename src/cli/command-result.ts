import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What a CLI command printed and how it exits; the CLI prints it, the bridge returns it. */
export type CommandResult = { exitCode: number; stdout: string; stderr: string };

export const ok = (stdout: string): CommandResult => ({ exitCode: 0, stdout: stdout.endsWith('\n') ? stdout : `${stdout}\n`, stderr: '' });
export const fail = (stderr: string, exitCode = 1): CommandResult => ({ exitCode, stdout: '', stderr: stderr.endsWith('\n') ? stderr : `${stderr}\n` });

type Options = NonNullable<ParseArgsConfig['options']>;
type WithHelp<T extends Options> = T & { help: { type: 'boolean' } };
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: WithHelp<T>; allowPositionals: true; strict: true }>>;

/**
 * An area command's arguments, parsed strictly (`--help` added): its values and positionals, or
 * the answer to give instead, the usage for `--help` (exit 0) or the parser's complaint and the
 * usage for an unknown or malformed option (exit 2).
 */
export function parseCommandArgs<T extends Options>(args: string[], options: T, usage: string): { parsed: Parsed<T> } | { answer: CommandResult } {
  let parsed: Parsed<T>;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean' } } as WithHelp<T>, allowPositionals: true, strict: true });
  } catch (err) {
    return { answer: fail(`${(err as Error).message}\n\nUsage:\n${usage}`, 2) };
  }
  if ((parsed.values as { help?: boolean }).help) return { answer: ok(`Usage:\n${usage}`) };
  return { parsed };
}
