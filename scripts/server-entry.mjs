// The entry of the bundled server (dist/server/main.js, see build-server.mjs): stack traces
// mapped to the sources first, then the program, as `src/main.ts` runs under tsx.
import { mapStacksOf } from './source-mapped-stacks.mjs';

mapStacksOf(import.meta.dirname);
await import('../src/main.ts');
