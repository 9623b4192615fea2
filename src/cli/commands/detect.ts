import fs from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { resolveInputs } from '../../ingest/index.js';
import { createZone, detectFormat, DETECT_SAMPLE_BYTES, POOR_MATCH_RATE } from '../../parse/index.js';
import { gunzipSync } from 'node:zlib';
import { percent } from '../summary.js';

function head(file: string, compressed: boolean): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(compressed ? 4 * DETECT_SAMPLE_BYTES : DETECT_SAMPLE_BYTES);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    if (!compressed) return buf.subarray(0, n);
    try {
      return gunzipSync(buf.subarray(0, n), { finishFlush: 2 /* Z_SYNC_FLUSH: a cut stream is fine */ }).subarray(0, DETECT_SAMPLE_BYTES);
    } catch (err) {
      throw new InputError(file, `cannot decompress: ${(err as Error).message}`, { cause: err });
    }
  } finally {
    fs.closeSync(fd);
  }
}

export function registerDetect(program: Command): void {
  program
    .command('detect')
    .description('show which format --format auto would choose for each file, and why, without ingesting')
    .argument('<files...>', 'files, directories or quoted globs')
    .option('--timezone <zone>', 'zone of timestamps that carry none: local, UTC or an IANA name', 'local')
    .option('--json', 'print the result as JSON')
    .action(async (inputs: string[], flags: { timezone: string; json?: boolean }) => {
      const { sources, errors } = await resolveInputs(inputs);
      const zone = createZone(flags.timezone);
      const results = [];
      for (const ref of sources) {
        if (ref.kind !== 'file') continue;
        const detection = await detectFormat(head(ref.path, ref.compressed), { zone, referenceMicros: Math.round(ref.mtimeMs * 1000) });
        results.push({ file: ref.path, ...detection });
      }
      if (flags.json) {
        process.stdout.write(JSON.stringify(results, null, 2) + '\n');
      } else {
        for (const r of results) {
          const others = r.scores.slice(1).map((s) => `${s.format} ${percent(s.rate)}`).join(', ');
          process.stdout.write(`${r.file}: ${r.format} (${r.scores[0]?.parsed ?? 0} of ${r.sampled} sampled lines, ${percent(r.rate)})${others ? `; others: ${others}` : ''}\n`);
          if (r.rate < POOR_MATCH_RATE) process.stdout.write(`  hint: a poor match; pass --format NAME or --pattern '(?<ts>...) (?<message>.*)' to ingest\n`);
        }
      }
      for (const e of errors) process.stderr.write(`logscope: ${e.message}\n`);
      if (errors.length > 0) process.exitCode = 2;
    });
}
