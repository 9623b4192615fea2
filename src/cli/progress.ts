import cliProgress from 'cli-progress';
import type { IngestProgress } from '../ingest/index.js';

/** A progress display; `update` is called after each parsed chunk. */
export interface ProgressReporter {
  update(p: IngestProgress): void;
  stop(): void;
}

/** Options of createProgressReporter. */
export interface ProgressOptions {
  /** Where the bar goes (stderr); shown only when this is a TTY. */
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  quiet: boolean;
}

const MB = 1e6;

/**
 * Lines so far; with a .gz, also the lines to expect, extrapolated from the bytes per line so
 * far and the estimated uncompressed total: `12,000 of ~96,000`.
 */
export function describeLines(p: IngestProgress): string {
  const done = p.lines.toLocaleString('en-US');
  if (!p.estimated || p.bytesTotal === undefined || p.bytesDone === 0 || p.lines === 0) return done;
  const expected = Math.max(p.lines, Math.round((p.lines * p.bytesTotal) / p.bytesDone));
  return `${done} of ~${expected.toLocaleString('en-US')}`;
}

/**
 * A progress bar on a TTY (bytes done / total (uncompressed; estimated for .gz), lines/s, MB/s, ETA); nothing at all off
 * a TTY or with --quiet, so pipes and logs get only the summary.
 */
export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  if (options.quiet || options.stream.isTTY !== true) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: options.stream as NodeJS.WritableStream,
      format: '{bar} {percentage}% | {doneMB}/{totalMB} MB | {lines} lines | {lps} lines/s | {mbps} MB/s | ETA {eta_formatted}',
      barsize: 24,
      hideCursor: true,
      etaBuffer: 20,
      fps: 8,
      noTTYOutput: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const secs = Math.max(p.elapsedMs / 1000, 1e-3);
      const total = p.bytesTotal ?? Math.max(p.bytesDone, 1);
      const payload = {
        doneMB: (p.bytesDone / MB).toFixed(1),
        totalMB: p.bytesTotal === undefined ? '?' : `${p.estimated ? '~' : ''}${(p.bytesTotal / MB).toFixed(1)}`,
        lines: describeLines(p),
        lps: Math.round(p.lines / secs).toLocaleString('en-US'),
        mbps: (p.bytesDone / MB / secs).toFixed(1),
      };
      if (!started) {
        bar.start(total, p.bytesDone, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(p.bytesDone, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
