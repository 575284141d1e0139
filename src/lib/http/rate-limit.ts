import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

/**
 * Per-API-key request budget (per IP before authentication), so one noisy integration cannot
 * starve the rest of its workspace or other workspaces. Headers follow the IETF RateLimit draft
 * (`RateLimit-Limit`, `-Remaining`, `-Reset`); a 429 is a problem with `Retry-After`.
 * In-memory store: correct for one process; several API processes each keep their own budget.
 */
export async function registerRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    enableDraftSpec: true,
    // Health checks and docs are not budgeted; global auth hooks have run, so the actor is known.
    allowList: (request) => !request.url.startsWith('/v1/'),
    keyGenerator: (request) => request.actor?.principalId ?? `ip:${request.ip}`,
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `Too many requests: ${context.max} per minute. Retry in ${context.after}.`, {
        status: 429,
        extra: { retryAfterSeconds: Math.ceil(context.ttl / 1000) },
      }),
  });
}
