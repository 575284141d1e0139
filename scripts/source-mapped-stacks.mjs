// Stack traces of the bundled server name the TypeScript sources (src/…ts:line:column) without
// Node's --enable-source-maps: with that on, Node reads the source map of every module it loads,
// node_modules included (drizzle-orm, libphonenumber-js, PGlite: some 200 maps before /readyz).
// Here only frames in the bundle's own folder are mapped, and a chunk's map is read the first
// time a stack names that chunk: nothing is read at start-up.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Maps stack frames in `dir` (the bundle's folder) through each chunk's `.map` beside it. */
export function mapStacksOf(dir) {
  const prefix = `${pathToFileURL(dir).href}/`;
  /** @type {Map<string, SourceMap | null>} chunk URL → its map (null: none readable) */
  const maps = new Map();
  const mapOf = (url) => {
    if (!maps.has(url)) {
      let map = null;
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8')));
      } catch {
        /* no map: the frame stays as it is */
      }
      maps.set(url, map);
    }
    return maps.get(url);
  };
  const frame = (site) => {
    const text = String(site);
    const file = site.getFileName();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (!file?.startsWith(prefix) || !line || !column) return text;
    const entry = mapOf(file)?.findEntry(line - 1, column - 1);
    if (!entry?.originalSource) return text;
    const source = resolve(dirname(fileURLToPath(file)), entry.originalSource);
    return text.replace(`${file}:${line}:${column}`, `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`);
  };
  Error.prepareStackTrace = (error, sites) => {
    let head;
    try {
      head = Error.prototype.toString.call(error);
    } catch {
      head = '<error>';
    }
    return sites.length ? `${head}\n${sites.map((site) => `    at ${frame(site)}`).join('\n')}` : head;
  };
}
