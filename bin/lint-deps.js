#!/usr/bin/env node
// `npm run lint:deps`: dependency-cruiser with the rules of .dependency-cruiser.cjs, minus the known
// debt in .dependency-cruiser-known-violations.json. dependency-cruiser's own --ignore-known only
// matches file-level violations, not the folder-level ones of `no-feature-cycle`; this runs the
// cruise once and applies the same baseline to both, so a new feature cycle fails as a new file
// cycle does. Exit 1 on any violation not in the baseline.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const BASELINE = '.dependency-cruiser-known-violations.json';
const key = (v) => [v.rule.name, v.from, v.to, ...(v.cycle ?? []).map((c) => c.name ?? c)].join(' → ');

let out;
try {
  out = execFileSync('npx', ['depcruise', 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
} catch (err) {
  // depcruise exits non-zero when it finds errors; its JSON is still on stdout.
  if (!err.stdout) throw err;
  out = err.stdout;
}
const known = new Set(JSON.parse(readFileSync(BASELINE, 'utf8')).map(key));
const found = JSON.parse(out).summary.violations.filter((v) => v.rule.severity !== 'ignore');
const fresh = found.filter((v) => !known.has(key(v)));

for (const v of fresh) {
  const via = v.cycle?.length ? `\n      via ${v.cycle.map((c) => c.name ?? c).join(' → ')}` : '';
  console.log(`  ${v.rule.severity} ${v.rule.name}: ${v.from} → ${v.to}${via}`);
}
const gone = known.size - (found.length - fresh.length);
console.log(`\n${fresh.length} new dependency violation(s); ${found.length - fresh.length} known (${BASELINE})${gone > 0 ? `; ${gone} known ones are fixed: run npm run lint:deps:baseline to drop them` : ''}.`);
process.exit(fresh.some((v) => v.rule.severity === 'error') ? 1 : 0);
