import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../lib/errors.ts';
import { PROJECT_ROOT } from '../lib/project-root.ts';

/** Where `npm run build:web` (and so `npm install`) puts the built web app. */
export const WEB_DIST = resolve(PROJECT_ROOT, 'dist', 'web');

/**
 * The app's own code only; Mantine sets inline styles (style attributes), so styles allow
 * 'unsafe-inline', scripts never do. The API is same-origin, so connect-src is 'self'.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths the browser app never owns: they keep the API's problem answers. */
const NOT_THE_APP = /^\/(v1|docs|openapi\.json|healthz|readyz)(\/|$|\?)/;
const ASSET = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$/;
/** Fastify's default maxParamLength: a longer /v1 segment is refused by the router, not "not found". */
const MAX_SEGMENT = 100;

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', WEB_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('x-frame-options', 'DENY');
}

/**
 * Serves the built web app: `/assets/*` (content-hashed file names, cached for a year, immutable)
 * and, for every other GET that is not the API's, `index.html` (never cached, so a deploy is
 * picked up at once), which lets the browser's router own the path. Two public routes, no
 * directory listing. Without a build (`dist/web/index.html` missing) nothing is registered and
 * the API answers alone.
 */
export async function registerWebApp(app: FastifyInstance, root: string = WEB_DIST): Promise<void> {
  if (!existsSync(join(root, 'index.html'))) {
    app.log.warn({ root }, 'web app not built (npm run build:web): serving the API only');
    return;
  }
  await app.register(fastifyStatic, { root, serve: false, decorateReply: true });

  app.get('/assets/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const file = (request.params as { '*': string })['*'];
    if (file.length > 200 || !ASSET.test(file) || !statSync(join(root, 'assets', file), { throwIfNoEntry: false })?.isFile()) {
      throw new AppError('not_found', 'No such asset');
    }
    securityHeaders(reply);
    return reply.sendFile(join('assets', file), root, { immutable: true, maxAge: '365d', cacheControl: true, acceptRanges: false });
  });

  app.get('/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0]!;
    // The same answers the router gives when no catch-all exists (see problem.ts).
    try {
      decodeURIComponent(path);
    } catch {
      throw new AppError('invalid_url', 'The path is not valid percent-encoded UTF-8', { status: 400 });
    }
    if (NOT_THE_APP.test(request.url)) {
      if (path.split('/').some((segment) => segment.length > MAX_SEGMENT)) throw new AppError('invalid_url', 'A path segment is longer than any id', { status: 400 });
      throw new AppError('route_not_found', `No endpoint ${request.method} ${path}`);
    }
    securityHeaders(reply).header('cache-control', 'no-cache');
    return reply.sendFile('index.html', root, { cacheControl: false, acceptRanges: false });
  });
}
