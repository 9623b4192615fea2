import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listHistory } from '../../src/alerts/history.js';
import type { ErrorBurst } from '../../src/generate/index.js';
import { runCliHere, spawnCli, tmpDir } from '../helpers.js';
import { generatedStore, steadyStore, type GeneratedStore } from './fixture.js';

const MINUTE = 60_000;
let store: GeneratedStore;
let burst: ErrorBurst;
let configFile: string;
let at: string;

const recipients = ['oncall@example.com'];

beforeAll(async () => {
  store = await generatedStore({ lines: 15_000, start: '2026-11-20T10:00:00Z', days: 0.25, seed: 3 });
  store.reader.close();
  burst = store.truth.anomalies.find((a): a is ErrorBurst => a.kind === 'error_burst') as ErrorBurst;
  at = new Date(Date.parse(burst.start) + 10 * MINUTE).toISOString();
  configFile = path.join(tmpDir(), 'logscope.config.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      data: store.dataDir,
      alerts: {
        rules: [
          { name: 'spikes', kind: 'anomaly', schedule: '*/5 * * * *', recipients, by: 'service', window: 30 },
          { name: 'error-rate', kind: 'error_rate', schedule: '*/5 * * * *', recipients, above: 0.2, by: 'service', window: '10m' },
        ],
      },
    }),
  );
}, 120_000);

/** Runs a command line in this process, as the built CLI would (runCliHere). */
const run = runCliHere;

describe('logscope alerts', () => {
  it('run --dry-run prints what fires as of --at, and stores nothing', async () => {
    const r = await run(['alerts', 'run', '-c', configFile, '--dry-run', '--at', at, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const evaluations = JSON.parse(r.stdout) as Array<{ rule: string; at: string; firings: Array<{ series: string }> }>;
    expect(evaluations.map((e) => e.rule)).toEqual(['spikes', 'error-rate']);
    expect(evaluations.every((e) => e.at === at)).toBe(true);
    expect(evaluations[0].firings.map((f) => f.series)).toContain(`service=${burst.service}`);
    expect(evaluations[1].firings.map((f) => f.series)).toEqual([`service=${burst.service}`]);
    expect(await listHistory(store.dataDir)).toEqual([]);
  });

  it('run --rule with an unknown name suggests the nearest', async () => {
    const r = await run(['alerts', 'run', '-c', configFile, '--rule', 'spikez', '--dry-run']);
    expect(r.stderr).toBe('logscope: no alert rule "spikez" (did you mean spikes?); rules: spikes, error-rate\n');
    expect(r.status).toBe(1);
  });

  it('backtest prints when the rule would have fired', async () => {
    const r = await run(['alerts', 'backtest', 'error-rate', '-c', configFile, '--since', burst.start, '--until', burst.end, '--format', 'csv']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('evaluated at,email at,severity,series,event start,title');
    expect(lines.slice(1).some((l) => l.includes(`service=${burst.service}`))).toBe(true);
    expect(r.stderr).toMatch(/^error-rate: \d+ scheduled times \(\*\/5 \* \* \* \*\) from /);
  });

  it('test renders the email to stdout and the HTML with its charts to a file, sending nothing', async () => {
    const html = path.join(tmpDir(), 'spikes.html');
    const r = await run(['alerts', 'test', 'spikes', '-c', configFile, '--at', at, '-o', html]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`HTML part written to ${html} (2 charts embedded); nothing was sent\n`);
    expect(r.stdout).toMatch(/^To: oncall@example\.com\nSubject: \[CRITICAL\] spikes: /);
    expect(r.stdout).toContain(`"service" = '${burst.service}'`);
    const page = fs.readFileSync(html, 'utf8');
    expect(page).toContain('data:image/png;base64,');
    expect(page).not.toContain('cid:');
    expect(await listHistory(store.dataDir)).toEqual([]);
  });

  it('run without an SMTP server stores the firings in the outbox, says so, and history lists them as pending', async () => {
    const r = await run(['alerts', 'run', '-c', configFile, '--at', at, '--format', 'csv']);
    expect(r.stderr).toContain('logscope: alerts are stored in the outbox but not sent: no SMTP server is configured');
    expect(r.status).toBe(1);
    const h = await run(['alerts', 'history', '-c', configFile, '--format', 'json']);
    const entries = JSON.parse(h.stdout) as Array<{ rule: string; status: string; series: string }>;
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(new Set(entries.map((e) => e.rule))).toEqual(new Set(['spikes', 'error-rate']));
    expect(entries.every((e) => e.status === 'pending')).toBe(true);
    // The same run again adds nothing: the keys are stored already.
    await run(['alerts', 'run', '-c', configFile, '--at', at, '--format', 'csv']);
    expect(await listHistory(store.dataDir)).toHaveLength(entries.length);
  });
});

describe('logscope alerts daemon (a real process)', () => {
  it('runs the schedule and exits 0 on SIGTERM', async () => {
    const steady = await steadyStore({ start: '2026-11-20T10:00:00Z', minutes: 30 });
    steady.reader.close();
    const config = path.join(tmpDir(), 'daemon.config.json');
    // Every second (croner's six-field form): the test does not wait minutes.
    fs.writeFileSync(config, JSON.stringify({ data: steady.dataDir, alerts: { rules: [{ name: 'tick', kind: 'sql', schedule: '* * * * * *', recipients, query: 'SELECT 1 AS one WHERE false' }] } }));
    const child = spawnCli(['alerts', 'daemon', '-c', config]);
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!/tick: 0 firings/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toMatch(/Z tick: 0 firings\n/);
    child.kill('SIGTERM');
    const killedAt = Date.now();
    expect(await exited).toBe(0);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(stderr).toMatch(/logscope alerts daemon: stopped after \d+ ticks?, 0 firings\n$/);
  });
});
