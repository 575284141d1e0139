import { ApiError, type Problem } from '../../lib/api.ts';

/** For a 204 answer (no body, so `unwrap` would see no data): throws the problem, else nothing. */
export function noContent(result: { error?: unknown; response: Response }): void {
  if (result.response.ok) return;
  const p = (result.error ?? {}) as Partial<Problem>;
  throw new ApiError({ status: result.response.status, code: p.code ?? 'unknown_error', ...p } as Problem);
}
