import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiKeysRoutes } from './api-keys/api-keys.routes.ts';
import { registerAuthentication } from './auth/authenticate.ts';
import { contactsRoutes } from './contacts/contacts.routes.ts';
import { contactBatchRoutes } from './contacts/batch.routes.ts';
import { attributesRoutes } from './attributes/attributes.routes.ts';
import { playbooksRoutes } from './playbooks/playbooks.routes.ts';
import { contactStageRoutes } from './playbooks/contact-stage.routes.ts';
import { contactListsRoutes } from './contact-lists/contact-lists.routes.ts';
import { contactFilterSchemas } from './contact-lists/filter-openapi.ts';
import { savedViewsRoutes } from './saved-views/saved-views.routes.ts';
import { bulkRoutes } from './bulk/bulk.routes.ts';
import { importsRoutes } from './imports/imports.routes.ts';
import { exportsRoutes } from './exports/exports.routes.ts';
import type { Deps } from './deps.ts';
import { AppError } from './lib/errors.ts';
import { registerTenantHandlers } from './lib/http/tenant-handlers.ts';
import { registerInputGuard } from './lib/http/input-guard.ts';
import { openApiOptions } from './lib/http/openapi.ts';
import { problemHandler } from './lib/http/problem.ts';
import { makeLogger } from './lib/logger.ts';
import { responseSerializerCompiler } from './lib/http/response-serializer.ts';
import { registerRequestLog } from './lib/http/request-log.ts';
import { makeAuthFailureBudget, makeRateLimitStore, registerRateLimit } from './lib/http/rate-limit.ts';
import { uuidv7 } from './lib/ids.ts';
import { tasksRoutes } from './tasks/tasks.routes.ts';
import { dealsRoutes } from './deals/deals.routes.ts';
import { meetingsRoutes } from './meetings/meetings.routes.ts';
import { commentsRoutes } from './comments/comments.routes.ts';
import { documentsRoutes } from './documents/documents.routes.ts';
import { timelineRoutes } from './timeline/timeline.routes.ts';
import { workspacesRoutes } from './workspaces/workspaces.routes.ts';
import { sessionsRoutes } from './sessions/sessions.routes.ts';
import { callsRoutes } from './communications/calls.routes.ts';
import { emailsRoutes } from './communications/emails.routes.ts';
import { whatsappRoutes } from './communications/whatsapp.routes.ts';
import { attentionRoutes } from './attention/attention.routes.ts';
import { notificationsRoutes } from './notifications/notifications.routes.ts';
import { integrationsRoutes } from './integrations/integrations.routes.ts';
import { hooksRoutes } from './integrations/hooks.routes.ts';
import { webFormsRoutes } from './web-forms/web-forms.routes.ts';
import { whatsappCloudRoutes } from './whatsapp-cloud/whatsapp-cloud.routes.ts';
import { registerWebApp } from './web-app/web-app.ts';
import { liveRoutes } from './live/live.routes.ts';

export type RouteInfo = { method: string; url: string; public: boolean };

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;

/** Builds the HTTP app: request id, logging, auth, errors, idempotency, feature routes, docs. */
export async function buildApp(deps: Deps, opts: { logger?: false | Logger; beforeReady?: (app: FastifyInstance) => void } = {}): Promise<FastifyInstance & { routeManifest: RouteInfo[] }> {
  const app = Fastify({
    // One logger configuration (redaction, safe error serializer) for the app, server and workers.
    loggerInstance: (opts.logger === false ? undefined : (opts.logger ?? makeLogger(deps.config.logLevel))) as FastifyBaseLogger | undefined,
    bodyLimit: deps.config.bodyLimitBytes,
    // One line per request instead of Fastify's two (src/lib/http/request-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    // Honour a caller's request id so logs correlate across systems; otherwise a fresh one.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : uuidv7();
    },
    // The client address for per-IP budgets: the socket's, unless a trusted proxy says otherwise.
    // (Cast: Fastify's constructor overloads cannot resolve a union; each member is a valid value.)
    trustProxy: (deps.config.trustProxy ?? false) as string[],
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Routing errors (a path that is not valid percent-encoding, an overlong parameter) answer as problems too.
    frameworkErrors: (err, request, reply) => problemHandler(err, request, reply),
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler(deps.config.validateResponses ?? false));
  app.setErrorHandler(problemHandler);
  registerRequestLog(app);
  app.setNotFoundHandler((request, reply) =>
    problemHandler(new AppError('route_not_found', `No endpoint ${request.method} ${request.url.split('?')[0]}`), request, reply),
  );
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const routeManifest: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routeManifest.push({ method, url: route.url, public: Boolean(route.config?.public) });
    }
  });

  // The filter's documentation schemas are made when the document is first asked for, not before /readyz.
  await app.register(swagger, openApiOptions({ schemaOverrides: contactFilterSchemas }));
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });

  // Budgets live in the database, shared by every API process on it.
  const limits = makeRateLimitStore(deps.database, deps.clock);
  const failures = deps.config.authFailuresPerMinute ? { budget: makeAuthFailureBudget(limits, deps.clock, deps.config.authFailuresPerMinute), clock: deps.clock } : undefined;
  registerAuthentication(app, deps.services.apiKeys, failures, deps.services.sessions);
  if (deps.config.rateLimitPerMinute) registerRateLimit(app, limits, deps.clock, deps.config.rateLimitPerMinute);
  registerTenantHandlers(app, deps.database, deps.clock);
  registerInputGuard(app);

  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async () => {
    try {
      await deps.database.raw('SELECT 1', []);
      return { status: 'ready', database: deps.database.kind };
    } catch {
      throw new AppError('service_unavailable', 'The database is not reachable');
    }
  });
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true, response: { 200: z.unknown() } } }, async () => app.swagger());

  await app.register(workspacesRoutes(deps));
  await app.register(sessionsRoutes(deps));
  await app.register(apiKeysRoutes(deps));
  await app.register(contactsRoutes(deps));
  await app.register(contactBatchRoutes(deps));
  await app.register(playbooksRoutes(deps));
  await app.register(contactStageRoutes(deps));
  await app.register(attributesRoutes(deps));
  await app.register(contactListsRoutes(deps));
  await app.register(savedViewsRoutes(deps));
  await app.register(bulkRoutes(deps));
  await app.register(importsRoutes(deps));
  await app.register(exportsRoutes(deps));
  await app.register(tasksRoutes(deps));
  await app.register(dealsRoutes(deps));
  await app.register(meetingsRoutes(deps));
  await app.register(commentsRoutes(deps));
  await app.register(documentsRoutes(deps));
  await app.register(timelineRoutes(deps));
  await app.register(callsRoutes(deps));
  await app.register(emailsRoutes(deps));
  await app.register(whatsappRoutes(deps));
  await app.register(attentionRoutes(deps));
  await app.register(notificationsRoutes(deps));
  await app.register(integrationsRoutes(deps));
  await app.register(hooksRoutes(deps));
  await app.register(webFormsRoutes(deps));
  await app.register(whatsappCloudRoutes(deps));
  await app.register(liveRoutes(deps));
  await registerWebApp(app);

  opts.beforeReady?.(app);
  await app.ready();
  return Object.assign(app, { routeManifest });
}
