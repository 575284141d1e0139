/** What a CLI command printed and how it exits; the CLI prints it, the bridge returns it. */
export type CommandResult = { exitCode: number; stdout: string; stderr: string };

export const ok = (stdout: string): CommandResult => ({ exitCode: 0, stdout: stdout.endsWith('\n') ? stdout : `${stdout}\n`, stderr: '' });
export const fail = (stderr: string, exitCode = 1): CommandResult => ({ exitCode, stdout: '', stderr: stderr.endsWith('\n') ? stderr : `${stderr}\n` });
