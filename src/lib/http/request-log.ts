import type { FastifyInstance } from 'fastify';
import { accessLoggerFor } from '../logger.ts';

/**
 * One log line per request, written when it is answered: method, path (query values redacted by
 * the logger's `req` serializer), status and time. Fastify's own request logging writes two
 * lines (on arrival and on completion) and serializes the request and reply objects for each;
 * at list speeds that was a measurable share of the request. The line keeps the message
 * operators already search for ('incoming request'), with the request's `reqId`. It goes through
 * the access logger (logger.ts), which skips redaction: nothing in it can hold a secret.
 */
export function registerRequestLog(app: FastifyInstance): void {
  const access = accessLoggerFor(app.log);
  app.addHook('onResponse', (request, reply, done) => {
    const line = { req: { method: request.method, url: request.url, ip: request.ip }, res: { statusCode: reply.statusCode }, responseTime: Math.round(reply.elapsedTime * 100) / 100 };
    if (access) access.info({ reqId: request.id, ...line }, 'incoming request');
    else request.log.info(line, 'incoming request');
    done();
  });
}
