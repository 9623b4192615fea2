import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLogs } from '../../src/generate/index.js';
import { ingest, type IngestSummary } from '../../src/ingest/index.js';
import { countLines, DATASETS, HAVE_DATASETS, query, tmpDir } from '../helpers.js';

const loghubFiles = HAVE_DATASETS
  ? fs.readdirSync(DATASETS).flatMap((d) => {
      const sub = path.join(DATASETS, d);
      return fs.statSync(sub).isDirectory() ? fs.readdirSync(sub).filter((f) => f.endsWith('.log')).map((f) => path.join(sub, f)) : [];
    })
  : [];

/** lines read = parsed + unparsed + blank, per source, in the summary and in the store. */
async function expectAccounted(summary: IngestSummary, data: string): Promise<void> {
  for (const s of summary.sources) {
    expect(s.lines, s.source).toBe(countLines(s.source));
    expect(s.parsed + s.unparsed + s.blank, s.source).toBe(s.lines);
  }
  const stored = await query(
    data,
    `SELECT source, sum(n)::INT AS n, sum(u)::INT AS u FROM (
       SELECT source, count(*) AS n, 0 AS u FROM logs GROUP BY source
       UNION ALL SELECT source, 0, count(*) FROM unparsed GROUP BY source) GROUP BY source`,
  );
  const bySource = new Map(stored.map((r) => [r.source, r]));
  for (const s of summary.sources) {
    expect(bySource.get(s.source) ?? { n: 0, u: 0 }, s.source).toMatchObject({ n: s.parsed - s.joined, u: s.unparsed });
  }
}

describe.skipIf(!HAVE_DATASETS)('accounting on the Loghub samples', () => {
  it('finds the eight datasets', () => {
    expect(loghubFiles.length).toBe(8);
  });

  for (const format of ['syslog', 'json']) {
    it(`accounts for every line of every file with --format ${format}`, async () => {
      const data = path.join(tmpDir(), 'data');
      const summary = await ingest({ inputs: loghubFiles, dataDir: data, format: { name: format, options: {} }, workers: 2, chunkBytes: 64 * 1024 });
      expect(summary.sources).toHaveLength(loghubFiles.length);
      await expectAccounted(summary, data);
      // Unparsed lines keep their text and line number: line N of the file is raw N.
      const [first] = await query(data, `SELECT source, line::INT AS line, raw FROM unparsed ORDER BY source, line LIMIT 1`);
      const text = fs.readFileSync(first.source as string, 'utf8').split('\n');
      expect(first.raw).toBe(text[(first.line as number) - 1].replace(/\r$/, ''));
    });
  }
});

describe('accounting on generated files with malformed lines', () => {
  for (const format of ['syslog', 'json'] as const) {
    it(`stores the malformed ${format} lines as unparsed at their line numbers, except stack-trace lines joined to a record`, async () => {
      const dir = tmpDir();
      const file = path.join(dir, `gen.${format}.log`);
      const truth = await generateLogs({ lines: 50_000, format, out: file, seed: 7 });
      const data = path.join(dir, 'data');
      const summary = await ingest({ inputs: [file], dataDir: data, format: { name: format, options: {} }, workers: 2, chunkBytes: 256 * 1024 });
      await expectAccounted(summary, data);
      const joined = new Set(truth.continuationLineNumbers);
      const expectedUnparsed = truth.malformedLineNumbers.filter((n) => !joined.has(n));
      expect(truth.malformedLines / truth.lines).toBeGreaterThan(0.005);
      expect(joined.size).toBeGreaterThan(0);
      expect(expectedUnparsed.length).toBeGreaterThan(joined.size);
      expect(summary.totals.joined).toBe(joined.size);
      expect(summary.totals.unparsed).toBe(expectedUnparsed.length);
      const lines = (await query(data, `SELECT line::INT AS line FROM unparsed ORDER BY line`)).map((r) => r.line);
      expect(lines).toEqual(expectedUnparsed);
    });
  }
});
