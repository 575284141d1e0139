import type { JobWorker } from '../lib/jobs/queue.ts';
import { IMPORT_TOPIC, makeImportsService, type ImportsDeps } from './imports.service.ts';

export { IMPORT_TOPIC };

/** The import job (src/workers.ts): runs from the checkpoint; when retries are spent the import ends `failed`. */
export function importJobWorker(deps: ImportsDeps): JobWorker {
  const imports = makeImportsService(deps);
  return {
    run: (p) => imports.run(p.workspaceId, String(p.importId)),
    giveUp: (p) => imports.abandon(p.workspaceId, String(p.importId)),
  };
}
