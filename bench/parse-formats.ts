/**
 * `npm run bench:parse`: the parse hot path alone — no workers, no DuckDB — in µs of CPU per
 * line, per format, on generated files (syslog, JSON lines, Apache combined; 500,000 lines each
 * by default, `LOGSCOPE_BENCH_PARSE_LINES`), plus the `generic` fallback on the syslog file.
 *
 *   npm run bench:parse
 *   node dist/bench/parse-formats.js --against ../base/dist    # side by side with another build
 *
 * With `--against DIR` (the `dist/` of another checkout, e.g. the commit before a change) each
 * round parses every file with both builds, interleaved, and the report gives each format's
 * median µs/line for both and their ratio (this build / the other: below 1 is faster). Rounds:
 * `LOGSCOPE_BENCH_ROUNDS` (default 5). Each file is parsed in 4 MiB chunks of whole lines, as the
 * workers receive them, into a RowWriter (the staging rows a worker writes), which is released
 * after each chunk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DATA_DIR, median, prepareInput, readPositiveInt, say } from './common.js';

interface ParseBuild {
  label: string;
  createParser(spec: { name: string; options: Record<string, unknown> }, ctx: unknown): Promise<{ parseLine: unknown }>;
  parseLines(buf: Buffer, start: number, end: number, parser: unknown, out: unknown): { parsed: number; lines: number };
  RowWriter: new (size: number) => { release(): void };
  createZone(name: string): unknown;
}

async function loadBuild(distDir: string, label: string): Promise<ParseBuild> {
  const mod = async (rel: string) => (await import(pathToFileURL(path.join(distDir, 'src', 'parse', rel)).href)) as Record<string, unknown>;
  const registry = await mod('registry.js');
  const chunk = await mod('parse-chunk.js');
  const writer = await mod('row-writer.js');
  const ts = await mod('timestamp.js');
  return {
    label,
    createParser: registry.createParser as ParseBuild['createParser'],
    parseLines: chunk.parseLines as ParseBuild['parseLines'],
    RowWriter: writer.RowWriter as ParseBuild['RowWriter'],
    createZone: ts.createZone as ParseBuild['createZone'],
  };
}

const CHUNK = 4 << 20;

/** Cuts `buf` into chunks of whole lines of about CHUNK bytes. */
function chunksOf(buf: Buffer): [number, number][] {
  const out: [number, number][] = [];
  for (let at = 0; at < buf.length; ) {
    let end = Math.min(buf.length, at + CHUNK);
    if (end < buf.length) end = buf.indexOf(10, end) + 1 || buf.length;
    out.push([at, end]);
    at = end;
  }
  return out;
}

/** µs of CPU per line for one parse of the whole file; also the share parsed. */
async function parseOnce(build: ParseBuild, format: string, buf: Buffer, chunks: [number, number][], referenceMicros: number): Promise<{ usPerLine: number; parsedShare: number }> {
  const ctx = { zone: build.createZone('UTC'), referenceMicros };
  const parser = await build.createParser({ name: format, options: {} }, ctx);
  let lines = 0;
  let parsed = 0;
  const cpu = process.cpuUsage();
  for (const [s, e] of chunks) {
    const out = new build.RowWriter(Math.min(e - s, 16 << 20) + 4096);
    const counts = build.parseLines(buf, s, e, parser, out);
    out.release();
    lines += counts.lines;
    parsed += counts.parsed;
  }
  const used = process.cpuUsage(cpu);
  return { usPerLine: (used.user + used.system) / Math.max(lines, 1), parsedShare: parsed / Math.max(lines, 1) };
}

async function main(): Promise<void> {
  const against = process.argv.indexOf('--against');
  const here = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  const builds = [await loadBuild(here, 'this build')];
  if (against >= 0) {
    const dir = path.resolve(process.argv[against + 1] ?? '');
    if (!fs.existsSync(path.join(dir, 'src', 'parse', 'parse-chunk.js'))) throw new Error(`--against ${dir}: no dist/src/parse/parse-chunk.js there (build that checkout first)`);
    builds.push(await loadBuild(dir, path.relative(process.cwd(), dir) || dir));
  }
  const lines = readPositiveInt('LOGSCOPE_BENCH_PARSE_LINES', 500_000);
  const rounds = readPositiveInt('LOGSCOPE_BENCH_ROUNDS', 5);
  const inputs = [
    { file: await prepareInput(lines, 'syslog'), format: 'syslog' },
    { file: await prepareInput(lines, 'json'), format: 'json' },
    { file: await prepareInput(lines, 'apache'), format: 'apache' },
  ];
  const cases = [...inputs.map((i) => ({ ...i, label: i.format })), { ...inputs[0], format: 'generic', label: 'generic (syslog file)' }];
  say(`# parse hot path: µs of CPU per line, ${lines.toLocaleString('en-US')} lines per file, ${rounds} rounds, median (${DATA_DIR})`);
  const times = new Map<string, number[]>();
  const shares = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      const buf = fs.readFileSync(c.file.file);
      const chunks = chunksOf(buf);
      const ref = fs.statSync(c.file.file).mtimeMs * 1000;
      // Interleaved, alternating which build goes first, so that neither always runs warm.
      const order = round % 2 === 0 ? builds : [...builds].reverse();
      for (const build of order) {
        const key = `${c.label}|${build.label}`;
        let r;
        try {
          r = await parseOnce(build, c.format, buf, chunks, ref);
        } catch {
          continue; // the other build has no such format (generic is new)
        }
        times.set(key, [...(times.get(key) ?? []), r.usPerLine]);
        shares.set(key, r.parsedShare);
      }
    }
  }
  say(`| format | ${builds.map((b) => `${b.label} µs/line (parsed)`).join(' | ')} |${builds.length > 1 ? ' ratio |' : ''}`);
  say(`| --- | ${builds.map(() => '---:').join(' | ')} |${builds.length > 1 ? ' ---: |' : ''}`);
  for (const c of cases) {
    const medians = builds.map((b) => times.get(`${c.label}|${b.label}`)).map((t) => (t === undefined ? undefined : median(t)));
    const cells = medians.map((m, i) => (m === undefined ? '–' : `${m.toFixed(2)} (${((shares.get(`${c.label}|${builds[i].label}`) ?? 0) * 100).toFixed(1)}%)`));
    const ratio = builds.length > 1 && medians[0] !== undefined && medians[1] !== undefined ? ` ${(medians[0] / medians[1]).toFixed(2)} |` : builds.length > 1 ? ' – |' : '';
    say(`| ${c.label} | ${cells.join(' | ')} |${ratio}`);
  }
}

await main();
