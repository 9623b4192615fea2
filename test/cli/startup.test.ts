import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers.js';

/**
 * Start-up of `logscope sql "SELECT 1"` and `logscope --version` (issue 17: under 0.25 s of
 * CPU): what a module imports at its top is loaded at every start, so the modules these
 * commands load first must not reach zod (≈ 0.1 s), the parsers or the store's writer. Dynamic
 * `import()` inside a function (a named query's parameter schemas, a config file) is not
 * followed: it loads only when that path runs.
 */

/** Every module loaded, at start, with `entry` (a file under src/): static imports and re-exports, not `import type`. */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.endsWith('.ts')) return;
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
      if (m[2] !== undefined) continue;
      const spec = m[3];
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) seen.add(`package:${spec}`);
    }
  };
  visit(path.join(REPO, 'src', entry));
  return seen;
}

function relative(graph: Set<string>): string[] {
  return [...graph].map((f) => (f.startsWith('package:') ? f : path.relative(path.join(REPO, 'src'), f))).sort();
}

describe('what a command loads at start', () => {
  it('loads neither zod, the parsers, the store writer nor the query schemas for sql', () => {
    const graph = relative(staticGraph('cli/commands/sql.ts'));
    expect(graph).toContain('store/reader.ts');
    expect(graph).toContain('duckdb.ts');
    const heavy = graph.filter((f) => f === 'package:zod' || f === 'parse/index.ts' || f === 'parse/record.ts' || f === 'store/store.ts' || f === 'store/index.ts' || f === 'query/registry.ts' || f === 'config/schema.ts');
    expect(heavy).toEqual([]);
  });

  it('loads no command, DuckDB nor zod for --version', () => {
    const graph = relative(staticGraph('cli/main.ts'));
    expect(graph.filter((f) => f.startsWith('cli/commands/') || f === 'package:zod' || f.startsWith('package:@duckdb') || f === 'duckdb.ts')).toEqual([]);
  });
});
