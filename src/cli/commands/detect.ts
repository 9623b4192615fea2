import fs from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { resolveInputs } from '../../ingest/index.js';
import { createZone, detectFormat, DETECT_SAMPLE_BYTES, noMatchAdvice, POOR_MATCH_RATE, suggestTemplate } from '../../parse/index.js';
import { gunzipSync } from 'node:zlib';
import { JSON_OPTION_HELP, resolveOutputFormat, writeRecords } from '../output.js';
import { writeStdout } from '../stdout.js';
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

const DETECT_COLUMNS = [{ name: 'file' }, { name: 'format' }, { name: 'matched' }, { name: 'rate', numeric: true }, { name: 'sampled', numeric: true }, { name: 'scores' }, { name: 'template' }];

export function registerDetect(program: Command): void {
  program
    .command('detect')
    .description('show which format --input-format auto would choose for each file, and why, without ingesting')
    .argument('<files...>', 'files, directories or quoted globs')
    .option('--timezone <zone>', 'zone of timestamps that carry none: local, UTC or an IANA name', 'local')
    .option('--format <format>', 'table, csv, json or ndjson (default: table)')
    .option('--json', JSON_OPTION_HELP)
    .action(async (inputs: string[], flags: { timezone: string; format?: string; json?: boolean }) => {
      const format = resolveOutputFormat(flags, 'table');
      const { sources, errors } = await resolveInputs(inputs);
      const zone = createZone(flags.timezone);
      const results = [];
      for (const ref of sources) {
        if (ref.kind !== 'file') continue;
        const sample = head(ref.path, ref.compressed);
        const ctx = { zone, referenceMicros: Math.round(ref.mtimeMs * 1000) };
        const detection = await detectFormat(sample, ctx);
        const suggestion = detection.matched ? undefined : await suggestTemplate(sample, ctx);
        results.push({ file: ref.path, ...detection, template: suggestion?.template ?? null, advice: detection.matched ? [] : noMatchAdvice(ref.path, detection, suggestion) });
      }
      if (format !== 'table') {
        await writeRecords(DETECT_COLUMNS, results, format, writeStdout);
      } else {
        for (const r of results) {
          if (!r.matched) {
            const [first, ...rest] = r.advice;
            const others = r.scores.map((s) => `${s.format} ${percent(s.rate)}`).join(', ');
            process.stdout.write(`${r.file}: ${first}; scores: ${others}\n${rest.map((l) => `  ${l}\n`).join('')}`);
            continue;
          }
          const others = r.scores.slice(1).map((s) => `${s.format} ${percent(s.rate)}`).join(', ');
          process.stdout.write(`${r.file}: ${r.format} (${r.scores[0]?.parsed ?? 0} of ${r.scores[0]?.lines ?? r.sampled} sampled lines, ${percent(r.rate)})${others ? `; others: ${others}` : ''}\n`);
          if (r.rate < POOR_MATCH_RATE) process.stdout.write(`  hint: a poor match; pass --input-format NAME or --pattern '(?<ts>...) (?<message>.*)' to ingest\n`);
        }
      }
      for (const e of errors) process.stderr.write(`logscope: ${e.message}\n`);
      if (errors.length > 0) process.exitCode = 2;
    });
}
