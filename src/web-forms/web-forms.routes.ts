import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { safeRedirect } from '../integrations/integrations.schema.ts';
import type { Connection } from '../integrations/integrations.service.ts';
import { AppError } from '../lib/errors.ts';
import { problemResponses } from '../lib/http/common-schemas.ts';
import { originsOf, submission } from './web-forms.provider.ts';

const tags = ['integrations'];
const FORM_BODY_LIMIT = 64 * 1024;
const FormParams = z.object({ integrationId: z.string().max(64) }).strict();
const FormBody = z
  .record(z.string().max(120), z.union([z.string().max(5000), z.boolean(), z.number()]))
  .refine((r) => Object.keys(r).length <= 100, 'at most 100 fields')
  .meta({ id: 'WebFormSubmission', description: 'The form fields: mapped fields, `consent.<name>`, the honeypot, optional `_ts`, `_page`, `_submission_id`' });
const FormReceipt = z.object({ received: z.boolean() }).meta({ id: 'WebFormReceipt' });

/** CORS for one form: the request's origin echoed only when the integration lists it. */
function allowOrigin(request: FastifyRequest, reply: FastifyReply, connection: Connection): 'none' | 'allowed' | 'refused' {
  const origin = request.headers.origin;
  reply.header('vary', 'Origin');
  if (!origin) return 'none';
  if (!originsOf(connection).includes(origin.toLowerCase())) return 'refused';
  reply.header('access-control-allow-origin', origin);
  return 'allowed';
}

/**
 * The public form endpoint of a `web_form` integration, `/v1/forms/{integrationId}`: an HTML form
 * post (answered 303 to the thank-you URL) or JSON from the team's site (CORS for its origins).
 * Rate limited per IP like every public route.
 */
export const webFormsRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { integrations } = deps.services;
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
      const fields: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(body as string)) if (!(k in fields)) fields[k] = v;
      done(null, fields);
    });

    app.options('/v1/forms/:integrationId', {
      config: { public: true },
      schema: { hide: true, operationId: 'preflightWebForm', tags, summary: "CORS preflight of a web form: allowed only for the integration's origins", params: FormParams, response: { 204: z.null().meta({ id: 'WebFormPreflight' }), ...problemResponses(403, 404) } },
    }, async (request, reply) => {
      const connection = await integrations.publicConnection('web_form', request.params.integrationId);
      if (allowOrigin(request, reply, connection) !== 'allowed') throw new AppError('origin_not_allowed', 'This origin may not post to this form', { status: 403 });
      reply.header('access-control-allow-methods', 'POST').header('access-control-allow-headers', 'content-type').header('access-control-max-age', '600');
      return reply.status(204).send(null);
    });

    app.post('/v1/forms/:integrationId', {
      config: { public: true },
      bodyLimit: FORM_BODY_LIMIT,
      schema: {
        operationId: 'submitWebForm',
        tags,
        summary: "A visitor's form submission (HTML form post → 303 to the thank-you page, or JSON); stored and processed in a job",
        params: FormParams,
        body: FormBody,
        response: { 200: FormReceipt, 303: z.null().meta({ id: 'WebFormRedirect' }), ...problemResponses(403, 404, 413, 422) },
      },
    }, async (request, reply) => {
      const connection = await integrations.publicConnection('web_form', request.params.integrationId);
      if (allowOrigin(request, reply, connection) === 'refused') throw new AppError('origin_not_allowed', 'This origin may not post to this form', { status: 403 });
      const fields = Object.fromEntries(Object.entries(request.body).map(([k, v]) => [k, String(v)]));
      const referer = typeof request.headers.referer === 'string' ? request.headers.referer : undefined;
      const page = (fields._page || referer || '').slice(0, 1000) || null;
      const at = deps.clock.now();
      await integrations.submit('web_form', request.params.integrationId, (c) => submission(c, { fields, page, ip: request.ip, at }));
      const html = String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      const thanks = connection.settings.thankYouUrl;
      if (html && thanks && safeRedirect(thanks)) return reply.status(303).header('location', thanks).send(null);
      return { received: true };
    });
  };
