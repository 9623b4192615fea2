import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { detectAnomalies, listPatterns } from '../../detect/index.js';
import { generateLogs } from '../../generate/index.js';
import { ingest } from '../../ingest/index.js';
import { prepareReadOnly, streamPrepared } from '../../query/index.js';
import { CATALOG_FILE, openStoreReader } from '../../store/index.js';
import { parsePort } from './serve.js';
import { parseCount, resolveConfig } from '../config.js';
import { writeResult, writeRows } from '../output.js';
import { createProgressReporter } from '../progress.js';
import { formatIngestSummary } from '../summary.js';

const FIRST_QUERIES: [string, string][] = [
  ['lines per level', `SELECT level, count(*) AS lines FROM logs GROUP BY ALL ORDER BY lines DESC`],
  [
    'the five hours with the most errors',
    `SELECT date_trunc('hour', ts) AS hour, count(*) FILTER (WHERE level IN ('ERROR', 'FATAL')) AS errors, count(*) AS lines
     FROM logs GROUP BY ALL ORDER BY errors DESC LIMIT 5`,
  ],
];

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('generate sample logs, ingest them and run a first query (what `npm start` does)')
    .option('--dir <dir>', 'where the sample logs and data go', './logscope-demo')
    .option('-n, --lines <n>', 'syslog lines to generate (plus a quarter as many JSON lines)', '200000')
    .option('--serve', 'then serve the dashboard over the demo data (what `npm start` does); a demo store already made is served as it is')
    .option('--port <port>', 'with --serve: TCP port (0: any free port)', '7070')
    .action(async (flags: { dir: string; lines: string; serve?: boolean; port: string }) => {
      const lines = parseCount(flags.lines, '--lines');
      const samples = path.join(flags.dir, 'samples');
      const dataDir = path.join(flags.dir, 'data');
      if (flags.serve === true) {
        const port = parsePort(flags.port);
        if (!fs.existsSync(path.join(dataDir, CATALOG_FILE))) await runDemo(samples, dataDir, lines);
        await (await import('../../serve/index.js')).serveUntilStopped({ dataDir, port });
        return;
      }
      await runDemo(samples, dataDir, lines);
    });
}

/** Generates the sample logs (when absent), ingests them and prints first queries, patterns and anomalies. */
async function runDemo(samples: string, dataDir: string, lines: number): Promise<void> {
  fs.mkdirSync(samples, { recursive: true });
  const files = [
    { file: path.join(samples, 'app.log'), format: 'syslog' as const, lines },
    { file: path.join(samples, 'api.json.log'), format: 'json' as const, lines: Math.max(1, Math.round(lines / 4)) },
  ];
  for (const f of files) {
    if (!fs.existsSync(f.file)) {
      await generateLogs({ lines: f.lines, format: f.format, out: f.file, seed: 42 });
      process.stdout.write(`generated ${f.lines.toLocaleString('en-US')} ${f.format} lines: ${f.file}\n`);
    }
  }
  for (const f of files) {
    const progress = createProgressReporter({ stream: process.stderr, quiet: false });
    try {
      const summary = await ingest({ inputs: [f.file], dataDir, format: { name: f.format, options: {} }, timezone: 'UTC', mining: resolveConfig(undefined).mining, onProgress: (p) => progress.update(p) });
      progress.stop();
      process.stdout.write('\n' + formatIngestSummary(summary));
      for (const e of summary.errors) process.stderr.write(`logscope: ${e.message}\n`);
    } finally {
      progress.stop();
    }
  }
  const reader = await openStoreReader(dataDir);
  try {
    for (const [title, sql] of FIRST_QUERIES) {
      process.stdout.write(`\n${title}:\n$ logscope sql --data ${dataDir} "${sql.replace(/\s+/g, ' ')}"\n`);
      const [prepared] = await prepareReadOnly(reader.connection, sql);
      await writeResult(await streamPrepared(prepared), 'table', (t) => void process.stdout.write(t));
    }
    process.stdout.write(`\nthe most frequent error patterns (templates mined at ingest):\n$ logscope patterns --data ${dataDir} --level ERROR --limit 5\n`);
    const patterns = await listPatterns(reader.connection, { level: 'ERROR', limit: 5 });
    await writeRows([{ name: 'count', numeric: true }, { name: 'first_seen' }, { name: 'text' }], patterns as unknown as Record<string, unknown>[], 'table', (t) => void process.stdout.write(t));
    process.stdout.write(`\nwhen errors or volume did something unusual (firings per day; add --explain for why):\n$ logscope anomalies --data ${dataDir} --per-day\n`);
    const { firingsPerDay, events } = await detectAnomalies(reader.connection);
    await writeRows([{ name: 'day' }, { name: 'firings', numeric: true }, { name: 'buckets', numeric: true }], firingsPerDay as unknown as Record<string, unknown>[], 'table', (t) => void process.stdout.write(t));
    process.stdout.write(`${events.length} firings; what the generator injected is in ${samples}/*.truth.json\n`);
  } finally {
    reader.close();
  }
  process.stdout.write(`\nnext: logscope anomalies --data ${dataDir} --since 7d --from-last --explain | less\n      logscope sql --data ${dataDir} "SELECT * FROM logs WHERE level = 'ERROR' LIMIT 10"\n      logscope serve --data ${dataDir}   (the dashboard; npm start serves the demo)\n`);
}
