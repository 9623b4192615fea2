import type { Command } from 'commander';
import { compressionOf, readHead, resolveInputs } from '../../ingest/index.js';
import { choseSuggestedTemplate, createZone, detectFormat, noMatchAdvice, POOR_MATCH_RATE, suggestedTemplateNotice } from '../../parse/index.js';
import { JSON_OPTION_HELP, resolveOutputFormat, writeRecords } from '../output.js';
import { writeStdout } from '../stdout.js';
import { percent } from '../summary.js';

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
        const sample = await readHead(ref.path, compressionOf(ref));
        const ctx = { zone, referenceMicros: Math.round(ref.mtimeMs * 1000) };
        const detection = await detectFormat(sample, ctx, undefined, true);
        const advice = choseSuggestedTemplate(detection) ? [suggestedTemplateNotice(detection)] : detection.matched ? [] : noMatchAdvice(ref.path, detection, detection.suggestion);
        // The suggestion shows as its template (a csv column), not as a nested object.
        const { suggestion, ...shown } = detection;
        results.push({ file: ref.path, ...shown, template: suggestion?.template ?? null, advice });
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
          if (r.format === 'template') {
            process.stdout.write(`${r.file}: template (${percent(r.rate)} of the sample): ${r.advice[0]}\n`);
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
