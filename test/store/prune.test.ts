import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pruneStore } from '../../src/store/index.js';
import { CLI, query, REPO, runCliHere, tmpDir } from '../helpers.js';
import { listedFiles, parquetOnDisk, queryCatalog, readFingerprint, writeTimedLog } from './store-state.js';

const DAY = 86_400_000;
/** The prune's clock: ages count back from here. With 30 days, the cutoff is 2026-10-21T12:00Z. */
const NOW = Date.UTC(2026, 10, 20, 12);
const THIRTY_DAYS = 30 * DAY;

/** Messages shared by every file (their signatures span old and new days), and one only the old file has. */
function message(i: number, tag: string): string {
  if (i % 25 === 0) return `ERROR disk full on /dev/sd${i % 3}`;
  if (tag === 'old' && i % 10 === 0) return `WARN legacy cron job ${i} started`;
  return `INFO request ${i} served in ${i % 300} ms`;
}

let dir: string;
/** old.log (Oct 19-20, deleted after its ingest), edge.log (Oct 21, the cutoff's day), new.log (Nov 18-20, with unparsed lines). */
let full: string;
/** The same store without old.log: what `full` must read as after the prune. */
let expected: string;

beforeAll(async () => {
  dir = tmpDir('logscope-prune-');
  const old = path.join(dir, 'old.log');
  const edge = path.join(dir, 'edge.log');
  const recent = path.join(dir, 'new.log');
  writeTimedLog(old, Date.UTC(2026, 9, 19), 300, 500_000, (i) => message(i, 'old'));
  writeTimedLog(edge, Date.UTC(2026, 9, 21), 200, 400_000, (i) => message(i, 'edge'));
  writeTimedLog(recent, Date.UTC(2026, 10, 18), 400, 600_000, (i) => message(i, 'new') + (i % 100 === 0 ? `\ngarbage without a time ${i}` : ''));
  full = path.join(dir, 'full');
  expected = path.join(dir, 'expected');
  for (const [data, files] of [
    [full, [old, edge, recent]],
    [expected, [edge, recent]],
  ] as const) {
    const run = await runCliHere(['ingest', ...files, '--data', data, '--workers', '1', '--quiet']);
    expect(run.status, run.stderr).toBe(0);
  }
  fs.rmSync(old);
});

function copyStore(from: string): string {
  const to = path.join(tmpDir('logscope-prune-copy-'), 'data');
  fs.cpSync(from, to, { recursive: true });
  return to;
}

/** Per signature, what the templates are built from (template ids left out: mining order may number them otherwise). */
async function readSignatures(data: string) {
  return queryCatalog(
    data,
    `SELECT signature::VARCHAR AS signature, count, first_seen::VARCHAR AS first_seen, last_seen::VARCHAR AS last_seen, example, example_source, example_line,
            n_trace, n_debug, n_info, n_notice, n_warn, n_error, n_fatal, n_unknown
     FROM _logscope.signatures ORDER BY signature`,
  );
}

describe('pruneStore', () => {
  it('drops whole days before the cutoff day, with their manifest entries, and recounts the templates', async () => {
    const data = copyStore(full);
    const summary = await pruneStore(data, { olderThan: THIRTY_DAYS, now: NOW });
    expect(summary.cutoff).toBe('2026-10-21T12:00:00.000Z');
    expect(summary.days.map((d) => d.day)).toEqual(['2026-10-19', '2026-10-20']);
    expect(summary.keptPartialDay).toBe('2026-10-21');
    expect(summary.entries).toEqual([path.join(dir, 'old.log')]);
    expect(summary.signaturesRemoved).toBe(1); // the legacy cron job's
    // Rows, unparsed lines, manifest and templates now read as a store that never held old.log.
    // (Unparsed lines carry when they were ingested: the two stores were ingested apart.)
    const withoutIngestTime = ({ logs, unparsed }: Record<string, unknown>) => ({ logs, unparsed: { ...(unparsed as object), ingested_at: undefined } });
    expect(withoutIngestTime(await readFingerprint(data))).toEqual(withoutIngestTime(await readFingerprint(expected)));
    expect(await readSignatures(data)).toEqual(await readSignatures(expected));
    const templates = 'SELECT min(first_seen)::VARCHAR AS first, max(last_seen)::VARCHAR AS last, sum(count)::INT AS n, count(*)::INT AS templates FROM templates';
    expect(await query(data, templates)).toEqual(await query(expected, templates));
    expect(await query(data, 'SELECT path FROM sources ORDER BY path')).toEqual(await query(expected, 'SELECT path FROM sources ORDER BY path'));
    expect(parquetOnDisk(data)).toEqual(await listedFiles(data));
    expect(fs.readdirSync(path.join(data, 'logs')).sort()).toEqual(['dt=2026-10-21', 'dt=2026-11-18', 'dt=2026-11-19', 'dt=2026-11-20']);
  });

  it('drops unparsed lines by when they were ingested, and keeps the entries of files still there', async () => {
    const data = copyStore(full);
    // Forty days from now: everything, the unparsed lines ingested today included, is older than thirty days.
    const summary = await pruneStore(data, { olderThan: THIRTY_DAYS, now: Date.now() + 40 * DAY });
    expect(summary.unparsed.rows).toBe(4);
    expect(await query(data, 'SELECT (SELECT count(*) FROM logs)::INT AS logs, (SELECT count(*) FROM unparsed)::INT AS unparsed, (SELECT count(*) FROM templates)::INT AS templates')).toEqual([
      { logs: 0, unparsed: 0, templates: 0 },
    ]);
    // edge.log and new.log are still on disk: their entries stay, so that they are not read again from the start.
    expect(await query(data, 'SELECT path FROM sources ORDER BY path')).toEqual([{ path: path.join(dir, 'edge.log') }, { path: path.join(dir, 'new.log') }]);
    const again = await runCliHere(['ingest', path.join(dir, 'new.log'), '--data', data, '--workers', '1', '--quiet']);
    expect(again.status, again.stderr).toBe(0);
    expect(await query(data, 'SELECT count(*)::INT AS n FROM logs')).toEqual([{ n: 0 }]);
  });

  it('changes nothing in a dry run', async () => {
    const data = copyStore(full);
    const files = await listedFiles(data);
    const signatures = await readSignatures(data);
    const run = await runCliHere(['prune', '--older-than', '30d', '--data', data, '--dry-run', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.dryRun).toBe(true);
    expect(summary.days.length).toBeGreaterThan(0);
    expect(await listedFiles(data)).toEqual(files);
    expect(parquetOnDisk(data)).toEqual(files);
    expect(await readSignatures(data)).toEqual(signatures);
  });

  it('refuses an age that is not one', async () => {
    const run = await runCliHere(['prune', '--older-than', 'soon', '--data', copyStore(full)]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('--older-than must be an age such as 30d');
  });
});

describe('prune killed with -9', () => {
  it('leaves the store as before (in the transaction) or as after (committed)', async () => {
    const steps = [
      ['prune:committing', 'before'],
      ['prune:committed', 'after'],
    ] as const;
    // The CLI counts back from the clock: the days before the cutoff's go.
    const cutoffDay = new Date(Date.now() - THIRTY_DAYS).toISOString().slice(0, 10);
    const beforeFiles = await listedFiles(full);
    const afterFiles = beforeFiles.filter((f) => !((/dt=([\d-]+)/.exec(f)?.[1] ?? '9999') < cutoffDay));
    const oldRows = `SELECT count(*) FILTER (WHERE dt < DATE '${cutoffDay}')::INT AS old FROM logs`;
    const [{ old: oldBefore }] = await query(full, oldRows);
    expect(oldBefore).toBeGreaterThan(0);
    await Promise.all(
      steps.map(async ([step, state]) => {
        const data = copyStore(full);
        const child = spawn(process.execPath, [CLI, 'prune', '--older-than', '30d', '--data', data], { cwd: REPO, env: { ...process.env, LOGSCOPE_CRASH_AT: step }, stdio: 'ignore' });
        const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
        expect(signal, step).toBe('SIGKILL');
        expect(await listedFiles(data), step).toEqual(state === 'before' ? beforeFiles : afterFiles);
        const [row] = await query(data, oldRows);
        expect(row.old, step).toBe(state === 'before' ? oldBefore : 0);
      }),
    );
  });
});
