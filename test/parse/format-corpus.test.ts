import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { continuationOf, detectFormat, loadFormats, utcZone, withHeaderAfter, type FormatSpec } from '../../src/parse/index.js';
import { planFileChunks } from '../../src/ingest/chunker.js';
import { REPO } from '../datasets.js';
import { runCliHere } from '../helpers.js';
import { parseText, type Parsed } from './parse-helper.js';

/**
 * The format corpus: every built-in format's examples, `test/fixtures/formats/<name>/<case>.log`,
 * each with `<case>.expect.json` = { format, records: [{ line, ts, level, message, service?, host?, pid? }] }.
 * Each fixture is detected as its format, parsed to ≥ 99% and gives the listed records; and no
 * other format reads half of it (the cross check), except the pairs listed below with a reason.
 */
const FIXTURES = path.join(REPO, 'test/fixtures/formats');
/** Fixed reference time (a file written 2026-11-25 12:00 UTC) and UTC: year-less stamps are deterministic. */
const CTX = { zone: utcZone, referenceMicros: Date.UTC(2026, 10, 25, 12) * 1000 };

/** Formats auto-detection legitimately labels another one, with the reason. */
const DETECTED_AS: Record<string, { as: string; reason: string }> = {
  journald: { as: 'syslog', reason: 'journalctl -o short/short-iso lines are rsyslog lines; auto-detect labels them syslog (same records), --input-format journald labels them journald' },
};

/**
 * `reader<-fixture format` pairs where the reader parses ≥ 50% of the fixture's lines because
 * the two are the same shape, with the reason; `reader<-*` for a fallback that reads any
 * timestamp-led line (it must still never be chosen over the fixture's format: the detection
 * test). Any other such pair fails the cross check.
 */
const SAME_SHAPE: Record<string, string> = {
  'syslog<-journald': 'journalctl short output is the syslog line shape',
  'journald<-syslog': 'RFC 3164 lines with a zero-padded day are journalctl -o short lines',
  'jvm-gc<-generic': "envoy's `[time][thread][level][component] text` is JVM unified logging's `[time][pid][level][tags] text` decoration shape (detection still picks generic for envoy: it reads its every line)",
  'generic<-*': 'the fallback: it reads any line that starts with a timestamp (specificity -10, chosen only when no specific format reads within 3 points of it)',
};

/**
 * Fixtures some of whose checks this harness cannot make (it reads a file as lines of text, cut
 * by the chunker), with the reason and where they are made instead: each is shown as a skipped
 * test that states it, never left out silently.
 */
const CHECKED_ELSEWHERE: Record<string, { checks: Check[]; reason: string }> = {
  'json/cloudtrail.log': {
    checks: ['detect', 'parsed', 'records', 'chunks', 'cross'],
    reason: 'one JSON document over many lines: ingest reads it through the document splitter (src/ingest/json-document.ts) as the JSON lines of its records, and test/parse/json-formats.test.ts checks it read so',
  },
  'json/no-time.log': {
    checks: ['records'],
    reason: "its records take the file's modification time: test/parse/json-formats.test.ts sets it and checks them",
  },
  'mysql-slow/slow.log': {
    checks: ['chunks'],
    reason: "a chunk may be cut between an entry's `# Time:` and `# User@Host:` lines: the chunker knows only context-free continuation lines, and `# User@Host:` starts an entry of its own when MySQL/MariaDB leave `# Time:` out (mariadb.log), so only the record-aware rule joins it; every other line of an entry is never cut off (mysql-slow's `continuation`)",
  },
};
type Check = 'detect' | 'parsed' | 'records' | 'chunks' | 'cross';
const skips = (f: { name: string }, check: Check): boolean => CHECKED_ELSEWHERE[f.name]?.checks.includes(check) === true;

interface ExpectedRecord {
  line: number;
  ts: string;
  level: string | null;
  message: string;
  service?: string | null;
  host?: string | null;
  pid?: number | null;
}
interface Fixture {
  dir: string;
  name: string;
  file: string;
  text: string;
  expected: { format: string; records: ExpectedRecord[] };
}

function readFixtures(): Fixture[] {
  if (!fs.existsSync(FIXTURES)) return [];
  const out: Fixture[] = [];
  for (const dir of fs.readdirSync(FIXTURES).sort()) {
    for (const f of fs.readdirSync(path.join(FIXTURES, dir)).sort()) {
      if (!f.endsWith('.log')) continue;
      const file = path.join(FIXTURES, dir, f);
      const expectFile = file.replace(/\.log$/, '.expect.json');
      const expected = fs.existsSync(expectFile) ? (JSON.parse(fs.readFileSync(expectFile, 'utf8')) as Fixture['expected']) : { format: '', records: [] };
      out.push({ dir, name: `${dir}/${f}`, file, text: fs.readFileSync(file, 'utf8'), expected });
    }
  }
  return out;
}

const fixtures = readFixtures();
const formats = await loadFormats();
const guessable = [...formats.values()].filter((d) => d.needsOptions !== true);

/** Share of non-blank lines parsed, as ingest and `logscope coverage` count it. */
function share(p: Parsed): number {
  const nonBlank = p.counts.lines - p.counts.blank;
  return nonBlank === 0 ? 0 : p.counts.parsed / nonBlank;
}

/** The spec ingest would use for the file given its format by name: the header read from its head. */
async function specFor(name: string, text: string): Promise<FormatSpec> {
  const buf = Buffer.from(text);
  return withHeaderAfter({ name, options: {} }, buf, 0, Math.min(buf.length, 256 * 1024));
}

describe('format corpus', () => {
  it('has a fixture directory with examples for every guessable built-in format', () => {
    const covered = new Set(fixtures.map((f) => f.dir));
    const missing = guessable.map((d) => d.name).filter((n) => !covered.has(n));
    expect(missing, 'formats without test/fixtures/formats/<name>/<case>.log').toEqual([]);
  });

  it('names only built-in formats as fixture directories, each case with its expect file', () => {
    for (const f of fixtures) {
      expect(formats.has(f.dir), `${f.name}: no format "${f.dir}"`).toBe(true);
      expect(f.expected.format, `${f.name}: expect.json names its format`).toBe(f.dir);
      expect(f.expected.records.length, `${f.name}: 3-5 expected records`).toBeGreaterThanOrEqual(3);
      expect(f.text.split('\n').filter((l) => l.trim() !== '').length, `${f.name}: at least 20 lines`).toBeGreaterThanOrEqual(20);
    }
  });

  it('is what `logscope formats` lists: every built-in format with its example', async () => {
    const r = (await runCliHere(['formats', '--format', 'ndjson']));
    expect(r.status, r.stderr).toBe(0);
    const listed = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { name: string; source: string; example: string });
    const builtIn = listed.filter((x) => x.source === 'built-in');
    expect(builtIn.map((x) => x.name).sort()).toEqual([...formats.keys()].sort());
    for (const x of builtIn) expect(x.example, x.name).toBe(formats.get(x.name)?.example);
  });

  for (const f of fixtures) {
    describe(f.name, () => {
      const elsewhere = CHECKED_ELSEWHERE[f.name];
      if (elsewhere !== undefined) it.skip(`not checked here (${elsewhere.checks.join(', ')}): ${elsewhere.reason}`, () => {});
      it.skipIf(skips(f, 'detect'))('is auto-detected as its format, which detection scores as ingest counts (>= 99%)', async () => {
        // Every format's score (detection stops at the first that reads every line, and one detected as another is not reached).
        const d = await detectFormat(Buffer.from(f.text), CTX, undefined, true);
        expect(d.format).toBe(DETECTED_AS[f.dir]?.as ?? f.dir);
        expect((await detectFormat(Buffer.from(f.text), CTX)).format).toBe(d.format);
        // Continuation lines count with their record and header lines not at all, as in ingest.
        expect(d.scores.find((x) => x.format === f.dir)?.rate).toBeGreaterThanOrEqual(0.99);
      });

      it.skipIf(skips(f, 'parsed'))('has at least 99% of its lines parsed', async () => {
        const p = await parseText(f.text, await specFor(f.dir, f.text), CTX);
        expect(share(p), `unparsed: ${JSON.stringify(p.unparsed.slice(0, 3))}`).toBeGreaterThanOrEqual(0.99);
      });

      it.skipIf(skips(f, 'records'))('gives the listed records their time, level, message and fields', async () => {
        const p = await parseText(f.text, await specFor(f.dir, f.text), CTX);
        for (const want of f.expected.records) {
          const got = p.records.find((r) => Number(r.rel_line) === want.line);
          expect(got, `${f.name}: a record at line ${want.line}`).toBeDefined();
          if (got === undefined) continue;
          const actual: Record<string, unknown> = { line: want.line, ts: isoMicros(Number(got.us)), level: got.level, message: got.message };
          for (const k of ['service', 'host'] as const) if (k in want) actual[k] = got[k];
          if ('pid' in want) actual.pid = got.pid === null ? null : Number(got.pid);
          expect(actual).toEqual({ ...want, ts: toMicrosIso(want.ts) });
        }
      });

      it.skipIf(skips(f, 'chunks'))('parses the same records when cut into small chunks', async () => {
        const spec = await specFor(f.dir, f.text);
        const whole = await parseText(f.text, spec, CTX);
        const buf = fs.readFileSync(f.file);
        const lines: string[] = [];
        let current = spec;
        let base = 0;
        for (const r of planFileChunks(f.file, 0, buf.length, 256, continuationOf(formats.get(f.dir)))) {
          const p = await parseText(buf.toString('utf8', r.start, r.end), current, CTX);
          for (const rec of p.records) lines.push(`${base + Number(rec.rel_line)} ${rec.us} ${rec.level} ${rec.message}`);
          base += p.counts.lines;
          current = await withHeaderAfter(current, buf, r.start, r.end);
        }
        expect(lines).toEqual(whole.records.map((rec) => `${rec.rel_line} ${rec.us} ${rec.level} ${rec.message}`));
      });

      it.skipIf(skips(f, 'cross'))('is read by no other built-in format for half of its lines, except same-shape pairs', async () => {
        const readers: string[] = [];
        for (const def of guessable) {
          if (def.name === f.dir) continue;
          const p = await parseText(f.text, await specFor(def.name, f.text), CTX);
          if (share(p) >= 0.5 && SAME_SHAPE[`${def.name}<-${f.dir}`] === undefined && SAME_SHAPE[`${def.name}<-*`] === undefined) readers.push(`${def.name} ${(share(p) * 100).toFixed(0)}%`);
        }
        expect(readers).toEqual([]);
      });
    });
  }
});

/** µs since the epoch as ISO 8601 UTC with six fraction digits. */
function isoMicros(us: number): string {
  const s = Math.floor(us / 1e6);
  return `${new Date(s * 1000).toISOString().slice(0, 19)}.${String(us - s * 1e6).padStart(6, '0')}Z`;
}

/** An expected `...Z` time written with 0-6 fraction digits, in isoMicros' form. */
function toMicrosIso(iso: string): string {
  const m = /^(.{19})(?:\.(\d{1,6}))?Z$/.exec(iso);
  if (m === null) throw new Error(`expected ts "${iso}": write ISO 8601 UTC ending in Z`);
  return `${m[1]}.${(m[2] ?? '').padEnd(6, '0')}Z`;
}
