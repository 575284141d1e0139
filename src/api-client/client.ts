import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema.gen.ts';

export type { components, operations, paths } from './schema.gen.ts';
/** The API's named schemas: `Schemas['Contact']`, `Schemas['Problem']`… */
export type Schemas = components['schemas'];

/**
 * A typed client of the Vixiees API, generated from the served OpenAPI document
 * (`npm run openapi`): paths, parameters, bodies, responses and problems are all checked by the
 * compiler. Each call answers `{ data }` on success or `{ error }` (a `Problem`) otherwise.
 */
export function createVixieesClient(opts: { baseUrl: string; apiKey: string; fetch?: typeof fetch }): Client<paths> {
  return createClient<paths>({
    baseUrl: opts.baseUrl,
    headers: { authorization: `Bearer ${opts.apiKey}` },
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}
