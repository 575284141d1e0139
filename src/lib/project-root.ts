import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The project's folder (where package.json is), whether this module runs from `src/lib` (tsx,
 * tests) or from the compiled `dist/server/lib` (`npm start`): files the program reads at run time
 * (migrations, the web app, the embedded database template) are found from here, not from the
 * module's own depth.
 */
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PROJECT_ROOT = findRoot(import.meta.dirname);
