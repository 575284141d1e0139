import type { Actor } from './actor.ts';
import { currentWorkspaceId, inWorkspace } from './tenant-scope.ts';

/** An actor, or a job's payload: whatever names the workspace the call works in. */
const workspaceOf = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null && typeof (value as Actor).workspaceId === 'string' ? (value as Actor).workspaceId : undefined;

type ServiceMap = Record<string, Record<string, unknown>>;

/**
 * Services take an `Actor` (or, for job work, a payload with its `workspaceId`) first: that is
 * where tenant work is identified, so that is where its tenant scope is set. Every service
 * function called so runs in that workspace (routes, jobs, the CLI and tests alike); a call
 * already in that workspace keeps its scope, including an open transaction it should join.
 * Functions without one (creating a workspace, verifying an API key) set their own scope or use
 * the system path on purpose. `this` stays the service, for functions that call their siblings.
 */
export function scopeServicesToActor<S extends ServiceMap>(services: S): S {
  const scoped: ServiceMap = {};
  for (const [name, service] of Object.entries(services)) {
    scoped[name] = Object.fromEntries(
      Object.entries(service).map(([fnName, fn]) => {
        if (typeof fn !== 'function') return [fnName, fn];
        const call = (args: unknown[]) => (fn as (...a: unknown[]) => unknown).apply(service, args);
        return [
          fnName,
          (...args: unknown[]) => {
            const workspaceId = workspaceOf(args[0]);
            if (!workspaceId || currentWorkspaceId() === workspaceId) return call(args);
            return inWorkspace(workspaceId, () => call(args));
          },
        ];
      }),
    );
  }
  return scoped as S;
}
