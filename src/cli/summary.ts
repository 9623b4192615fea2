import type { ForgetSummary, IngestSummary } from '../ingest/index.js';
import { queryCoverage } from '../query/index.js';
import { openStoreReader } from '../store/index.js';

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** A count with thousands separators: `12,345`. */
export const formatCount = fmt;

/** A size in bytes, in the unit that fits: `512 B`, `3.4 MB`, `1.2 GB` (powers of 1024). */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** The widest a source's name is shown in the summary table; a longer one keeps its start and its end (hints name it whole). */
const SOURCE_WIDTH = 80;

/**
 * A source's name in at most `width` characters: the file's name whole where it fits, after as
 * much of its directory's start as fits (`/var/log/…/app.log`), else `…/` and the file's name
 * with a piece of it left out (two thirds of what is shown is its start).
 */
export function shortenSource(name: string, width: number): string {
  if (name.length <= width) return name;
  const slash = name.lastIndexOf('/');
  const base = name.slice(slash + 1);
  if (slash > 0 && base.length + 2 < width) return `${name.slice(0, width - base.length - 2)}…/${base}`;
  // Most of the start, which tells files apart more often than a hash or a date at the end.
  const room = width - 3;
  const tail = Math.ceil(room / 3);
  return `…/${base.slice(0, room - tail)}…${base.slice(base.length - tail)}`;
}

/** The human-readable ingest summary: per source, lines read = parsed + unparsed + blank. Errors are not in it: they go to stderr, as every error does. */
export function formatIngestSummary(s: IngestSummary): string {
  const rows = s.sources.map((x) => [shortenSource(x.source, SOURCE_WIDTH), x.detection ? `${x.format} (${x.detection.matched ? 'auto' : 'no format matched,'} ${percent(x.detection.rate)})` : x.format, fmt(x.lines), fmt(x.parsed), fmt(x.unparsed), fmt(x.blank), describeStatus(x)]);
  const t = s.totals;
  rows.push(['total', '', fmt(t.lines), fmt(t.parsed), fmt(t.unparsed), fmt(t.blank), '']);
  const head = ['source', 'format', 'lines', 'parsed', 'unparsed', 'blank', 'status'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = [false, false, true, true, true, true, false];
  const line = (r: string[]) => r.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  const secs = s.elapsedMs / 1000;
  const out = [
    `ingest into ${s.dataDir}: ${s.sources.length} source${s.sources.length === 1 ? '' : 's'}, ${s.workers} worker${s.workers === 1 ? '' : 's'}, zone-less timestamps read as ${s.timezone}`,
    line(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(0, -1).map(line),
    widths.map((w) => '-'.repeat(w)).join('  '),
    line(rows[rows.length - 1]),
    `${secs.toFixed(2)} s · ${fmt(Math.round(s.linesPerSecond))} lines/s · ${s.megabytesPerSecond.toFixed(1)} MB/s · ${s.batches} batch${s.batches === 1 ? '' : 'es'} committed · peak memory ${s.peakRssMB} MB`,
  ];
  if (t.joined > 0) out.push(`${fmt(t.joined)} continuation lines (stack traces, tracebacks, CRI partial lines, the untimed lines of a generic log) were joined to the record they continue; parsed counts them`);
  if (t.unparsed > 0) out.push(`${fmt(t.unparsed)} lines did not parse and are kept in the "unparsed" view; their commonest shapes: logscope coverage --data ${s.dataDir}`);
  for (const x of s.sources) if (x.hint !== undefined) out.push(`hint: ${x.source}: ${x.hint}`);
  for (const w of s.warnings) out.push(`warning: ${w.message}`);
  return out.join('\n') + '\n';
}

function describeStatus(x: IngestSummary['sources'][number]): string {
  switch (x.status) {
    case 'unchanged':
      return `unchanged (already ingested up to line ${x.fromLine - 1}${x.previousPath ? ` as ${x.previousPath}` : ''})`;
    case 'resumed':
      return `resumed at line ${x.fromLine}${x.previousPath ? ` (was ${x.previousPath})` : ''}`;
    case 'duplicate':
      return `skipped: same content as ${x.previousPath}`;
    case 'empty':
      return 'empty';
    case 'skipped':
      return 'skipped: stored with another format (see warning)';
    case 'reingested':
      return `reingested: replaces the ${x.replacedLines ?? 0} lines stored before`;
    case 'restarted':
      return `restarted: truncated in place, new lines numbered from ${x.fromLine}`;
    case 'refused':
      return 'not read (see error)';
    case 'truncated':
      if (x.lines > 0) return `truncated: kept lines ${x.fromLine}-${x.fromLine + x.lines - 1} (see error)`;
      return x.fromLine > 1 ? `truncated: nothing readable after line ${x.fromLine - 1}, stored before (see error)` : 'truncated: no whole line before the damage (see error)';
    default:
      if (x.numberedOn) return `ingested as lines ${x.fromLine}-${x.fromLine + x.lines - 1} (the name held other lines before)`;
      return x.previousPath ? `ingested (was ${x.previousPath})` : 'ingested';
  }
}

/** 0.995 → "99.5%", 1 → "100%": a rounded 100% would hide the lines that did not match. */
export function percent(rate: number): string {
  const p = Math.floor(rate * 1000) / 10;
  return `${Number.isInteger(p) ? p.toFixed(0) : p.toFixed(1)}%`;
}

/** The commonest shapes of the unparsed lines of the sources this ingest read (from the store). */
export async function formatUnparsedShapes(s: IngestSummary, top = 3): Promise<string> {
  const ran = new Set(s.sources.filter((x) => x.unparsed > 0).map((x) => x.source));
  const reader = await openStoreReader(s.dataDir);
  try {
    const out: string[] = [];
    for (const c of await queryCoverage(reader.connection, top)) {
      if (!ran.has(c.source) || c.shapes.length === 0) continue;
      out.push(`unparsed in ${c.source} (${percent(c.parsedShare)} parsed), commonest shapes:`);
      for (const sh of c.shapes) out.push(`  ${String(sh.count).padStart(8)} × ${JSON.stringify(sh.shape)}  (first at line ${sh.firstLine})`);
    }
    return out.length > 0 ? out.join('\n') + '\n' : '';
  } finally {
    reader.close();
  }
}

/** The human-readable forget summary: per source, what was removed. */
export function formatForgetSummary(s: ForgetSummary): string {
  const out = s.sources.map(
    (x) => `forgot ${x.source}: ${fmt(x.rows)} rows, ${fmt(x.unparsed)} unparsed rows, ${x.entries} manifest entr${x.entries === 1 ? 'y' : 'ies'}`,
  );
  out.push(`${s.filesRewritten} Parquet file${s.filesRewritten === 1 ? '' : 's'} of ${s.dataDir} rewritten; the template counts (logscope patterns) still include the forgotten rows`);
  return out.join('\n') + '\n';
}
