import type { Actor } from './actor.ts';
import { currentWorkspaceId, inWorkspace } from './tenant-scope.ts';

const isActor = (value: unknown): value is Actor =>
  typeof value === 'object' && value !== null && typeof (value as Actor).workspaceId === 'string' && typeof (value as Actor).principalId === 'string';

type ServiceMap = Record<string, Record<string, unknown>>;

/**
 * Services take an `Actor` first: that is where tenant work is identified, so that is where its
 * tenant scope is set. Every service function called with an actor runs in the actor's workspace
 * (routes, jobs, the CLI and tests alike); a call already in that workspace keeps its scope,
 * including an open transaction it should join. Functions without an actor (creating a
 * workspace, verifying an API key) set their own scope or use the system path on purpose.
 */
export function scopeServicesToActor<S extends ServiceMap>(services: S): S {
  const scoped: ServiceMap = {};
  for (const [name, service] of Object.entries(services)) {
    scoped[name] = Object.fromEntries(
      Object.entries(service).map(([fnName, fn]) => [
        fnName,
        typeof fn === 'function'
          ? (...args: unknown[]) => {
              const first = args[0];
              if (!isActor(first) || currentWorkspaceId() === first.workspaceId) return (fn as (...a: unknown[]) => unknown)(...args);
              return inWorkspace(first.workspaceId, () => (fn as (...a: unknown[]) => unknown)(...args));
            }
          : fn,
      ]),
    );
  }
  return scoped as S;
}
