import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../src/cli/progress.js';
import { spawnSync } from 'node:child_process';
import { CLI, runCli, runCliHere, tmpDir } from '../helpers.js';

function sample(dir: string): string {
  const file = path.join(dir, 'a.log');
  let s = '';
  for (let i = 0; i < 1000; i++) s += `2026-11-25T10:00:00Z h app[1]: INFO ${i}\n`;
  fs.writeFileSync(file, s);
  return file;
}

describe('command line', () => {
  it('lists its commands in --help', async () => {
    const r = runCli(['--help']);
    expect(r.status).toBe(0);
    for (const cmd of ['ingest', 'sql', 'trends', 'anomalies', 'patterns', 'generate', 'formats', 'demo']) expect(r.stdout).toContain(cmd);
  });

  it('demo ingests generated logs and shows first queries, error patterns and anomaly firings per day', async () => {
    const dir = tmpDir();
    const r = runCli(['demo', '--dir', dir, '--lines', '40000']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/the most frequent error patterns[^\n]*\n\$ logscope patterns[^\n]*\ncount +first_seen +text\n/);
    expect(r.stdout).toMatch(/firings per day[^\n]*\n\$ logscope anomalies[^\n]*\nday +firings +buckets\n-+ +-+ +-+\n2026-11-1\d +\d+ +\d+/);
    expect(r.stdout).toMatch(/\d+ firings; what the generator injected is in /);
  });

  it('prints no progress bar off a TTY, and always the summary', async () => {
    const dir = tmpDir();
    const r = runCli(['ingest', sample(dir), '--data', path.join(dir, 'data')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/total\s+1,000\s+1,000\s+0\s+0/);
    expect(r.stdout).toMatch(/lines\/s/);
  });

  it('draws the progress bar on a real terminal (a pty from script(1)), and not with --quiet', async () => {
    const dir = tmpDir();
    const file = sample(dir);
    const run = (extra: string) =>
      spawnSync('script', ['-qec', `"${process.execPath}" "${CLI}" ingest "${file}" --data "${path.join(dir, `data${extra}`)}" ${extra}`, '/dev/null'], { encoding: 'utf8' });
    const tty = run('');
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/\d+% \| [\d.]+\/[\d.]+ MB \| [\d,]+ lines \| [\d,]+ lines\/s \| [\d.]+ MB\/s \| ETA/);
    expect(tty.stdout).toMatch(/total\s+1,000/);
    const quiet = run('--quiet');
    expect(quiet.stdout).not.toMatch(/lines\/s \|/);
    expect(quiet.stdout).toMatch(/total\s+1,000/);
  });

  it('prints the summary as JSON with --json', async () => {
    const dir = tmpDir();
    const r = (await runCliHere(['ingest', sample(dir), '--data', path.join(dir, 'data'), '--json']));
    const summary = JSON.parse(r.stdout);
    expect(summary.totals).toMatchObject({ lines: 1000, parsed: 1000, unparsed: 0, blank: 0 });
    expect(summary.sources[0]).toMatchObject({ format: 'syslog', status: 'ingested' });
  });

  it('names the bad key and value of a config file', async () => {
    const dir = tmpDir();
    const cfg = path.join(dir, 'logscope.config.json');
    fs.writeFileSync(cfg, JSON.stringify({ ingest: { workers: 0 } }));
    const r = (await runCliHere(['ingest', sample(dir), '--config', cfg]));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/logscope\.config\.json: ingest\.workers: .*\(got 0\)/);
    fs.writeFileSync(cfg, JSON.stringify({ formats: { app: { pattern: '(?<ts>\\S+' } } }));
    const bad = (await runCliHere(['ingest', sample(dir), '--config', cfg]));
    expect(bad.stderr).toMatch(/formats\.app\.pattern: invalid --pattern/);
  });

  it('ingests with a format named in the config file and stores that name', async () => {
    const dir = tmpDir();
    const cfg = path.join(dir, 'logscope.config.json');
    const data = path.join(dir, 'data');
    fs.writeFileSync(cfg, JSON.stringify({ data, formats: { app: { pattern: '^(?<ts>\\S+) (?<level>\\w+) (?<message>.*)$' } } }));
    fs.writeFileSync(path.join(dir, 'app.log'), '2026-11-25T10:00:00Z error disk full\n');
    const r = (await runCliHere(['ingest', path.join(dir, 'app.log'), '--input-format', 'app'], { env: { LOGSCOPE_CONFIG: cfg } }));
    expect(r.status).toBe(0);
    const q = (await runCliHere(['sql', '--format', 'csv', 'SELECT format, level, message FROM logs'], { env: { LOGSCOPE_DATA: data } }));
    expect(q.stdout).toBe('format,level,message\napp,ERROR,disk full\n');
  });
});

describe('progress bar', () => {
  function capture(isTTY: boolean) {
    const stream = Object.assign(new PassThrough(), { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    let text = '';
    stream.on('data', (d) => (text += d.toString()));
    return { stream, text: () => text };
  }

  it('shows bytes, lines/s, MB/s and ETA on a TTY', async () => {
    const { stream, text } = capture(true);
    const bar = createProgressReporter({ stream, quiet: false });
    bar.update({ bytesDone: 5e6, bytesTotal: 10e6, estimated: false, lines: 50_000, elapsedMs: 1000 });
    bar.stop();
    expect(text()).toMatch(/5\.0\/10\.0 MB \| 50,000 lines \| 50,000 lines\/s \| 5\.0 MB\/s \| ETA/);
  });

  it('marks the total as estimated and shows the lines to expect while a .gz is read', async () => {
    const { stream, text } = capture(true);
    const bar = createProgressReporter({ stream, quiet: false });
    bar.update({ bytesDone: 5e6, bytesTotal: 10e6, estimated: true, lines: 50_000, elapsedMs: 1000 });
    bar.stop();
    expect(text()).toMatch(/50% \| 5\.0\/~10\.0 MB \| 50,000 of ~100,000 lines \| 50,000 lines\/s/);
  });

  it('shows nothing off a TTY or when quiet', async () => {
    for (const [isTTY, quiet] of [[false, false], [true, true]] as const) {
      const { stream, text } = capture(isTTY);
      const bar = createProgressReporter({ stream, quiet });
      bar.update({ bytesDone: 5e6, bytesTotal: 10e6, estimated: false, lines: 50_000, elapsedMs: 1000 });
      bar.stop();
      expect(text()).toBe('');
    }
  });
});

describe('template formats from the command line and the config', () => {
  const line = '2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster\n';

  it('ingests with --template and rejects --template with another --input-format', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'h.log'), line);
    const data = path.join(dir, 'data');
    const r = (await runCliHere(['ingest', path.join(dir, 'h.log'), '--data', data, '--timezone', 'UTC', '--template', '<Date> <Time> <Level> \\[<Process>\\] <Component>: <Content>']));
    expect(r.status, r.stderr).toBe(0);
    const q = (await runCliHere(['sql', '--data', data, '--format', 'csv', "SELECT ts, level, service, message, attrs->>'Process' AS process, format FROM logs"]));
    expect(q.stdout).toBe('ts,level,service,message,process,format\n2015-10-18T18:01:47.978Z,INFO,org.apache.hadoop.mapreduce.v2.app.MRAppMaster,Created MRAppMaster,main,template\n');
    const bad = (await runCliHere(['ingest', path.join(dir, 'h.log'), '--data', data, '--input-format', 'json', '--template', '<Date> <Content>']));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--template needs --input-format template/);
  });

  it('takes a named template from the config, and names a bad one with its key', async () => {
    const dir = tmpDir();
    const cfg = path.join(dir, 'logscope.config.json');
    const data = path.join(dir, 'data');
    fs.writeFileSync(path.join(dir, 'h.log'), line);
    fs.writeFileSync(cfg, JSON.stringify({ data, formats: { hadoop: { template: '<Date> <Time> <Level> \\[<Process>\\] <Component>: <Content>' } } }));
    const r = (await runCliHere(['ingest', path.join(dir, 'h.log'), '--input-format', 'hadoop', '--config', cfg, '--timezone', 'UTC']));
    expect(r.status, r.stderr).toBe(0);
    expect((await runCliHere(['sql', '--config', cfg, '--format', 'csv', 'SELECT format, level FROM logs'])).stdout).toBe('format,level\nhadoop,INFO\n');
    fs.writeFileSync(cfg, JSON.stringify({ formats: { hadoop: { template: '<Date <Content>' } } }));
    const bad = (await runCliHere(['ingest', path.join(dir, 'h.log'), '--input-format', 'hadoop', '--config', cfg]));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/formats\.hadoop\.template: template "<Date <Content>"/);
  });
});

describe('config formats with a field mapping and a zone', () => {
  it('maps groups named otherwise to columns and reads zone-less times in the format zone', async () => {
    const dir = tmpDir();
    const cfg = path.join(dir, 'logscope.config.json');
    const data = path.join(dir, 'data');
    fs.writeFileSync(path.join(dir, 'app.log'), '2026-07-15 10:00:00 error disk full\n');
    const app = { pattern: '^(?<when>\\S+ \\S+) (?<sev>\\w+) (?<text>.*)$', fields: { ts: 'when', level: 'sev', message: 'text' }, timezone: 'Europe/Paris' };
    fs.writeFileSync(cfg, JSON.stringify({ data, formats: { app } }));
    const r = (await runCliHere(['ingest', path.join(dir, 'app.log'), '--input-format', 'app', '--config', cfg]));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('zone-less timestamps read as Europe/Paris');
    expect((await runCliHere(['sql', '--config', cfg, '--format', 'csv', 'SELECT ts, level, message, attrs FROM logs'])).stdout).toBe('ts,level,message,attrs\n2026-07-15T08:00:00.000Z,ERROR,disk full,\n');
    fs.writeFileSync(cfg, JSON.stringify({ formats: { app: { ...app, fields: { ts: 'time' } } } }));
    const bad = (await runCliHere(['ingest', path.join(dir, 'app.log'), '--input-format', 'app', '--config', cfg]));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/formats\.app\.pattern: fields\.ts names the group "time", which pattern .* does not have \(groups: when, sev, text\)/);
  });
});

describe('config formats with a timestamp layout', () => {
  it('reads the ts group with timestampFormat, and names a bad layout by its key', async () => {
    const dir = tmpDir();
    const cfg = path.join(dir, 'logscope.config.json');
    const data = path.join(dir, 'data');
    fs.writeFileSync(path.join(dir, 'app.log'), '25.11.2026 10h00m05 WARN cache cold\n');
    const app = { pattern: '^(?<ts>\\S+ \\S+) (?<level>\\w+) (?<message>.*)$', timestampFormat: '%d.%m.%Y %Hh%Mm%S', timezone: 'UTC' };
    fs.writeFileSync(cfg, JSON.stringify({ data, formats: { app } }));
    const r = (await runCliHere(['ingest', path.join(dir, 'app.log'), '--input-format', 'app', '--config', cfg]));
    expect(r.status, r.stderr).toBe(0);
    expect((await runCliHere(['sql', '--config', cfg, '--format', 'csv', 'SELECT ts, level FROM logs'])).stdout).toBe('ts,level\n2026-11-25T10:00:05.000Z,WARN\n');
    fs.writeFileSync(cfg, JSON.stringify({ formats: { app: { ...app, timestampFormat: '%d.%m.%Y %Q' } } }));
    const bad = (await runCliHere(['ingest', path.join(dir, 'app.log'), '--input-format', 'app', '--config', cfg]));
    expect(bad.stderr).toMatch(/formats\.app\.timestampFormat: timestamp layout "%d\.%m\.%Y %Q": unknown directive %Q/);
  });
});
