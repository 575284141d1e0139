import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { AppError } from '../lib/errors.ts';
import { executeCommand } from './commands.ts';

/**
 * While the server holds the embedded database, the CLI runs its commands here, in the server's
 * process. Only from loopback, and only with the token the server wrote into its lock file
 * (readable by the user who started it).
 */
export function registerCliBridge(app: FastifyInstance, deps: Deps, token: string): void {
  const expected = Buffer.from(token);
  app.post('/internal/cli', {
    config: { public: true },
    schema: { hide: true, body: z.object({ argv: z.array(z.string().max(10_000)).max(100) }).strict() },
  }, async (request) => {
    const presented = Buffer.from(String(request.headers['x-vixiees-cli-token'] ?? ''));
    const loopback = ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(request.ip);
    if (!loopback || presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      throw new AppError('forbidden', 'CLI bridge: bad token or not from this machine');
    }
    const { argv } = request.body as { argv: string[] };
    return executeCommand(deps, argv);
  });
}
