import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectAnomalies, detectAnomaliesInFiles } from '../../src/detect/index.js';
import { ingest } from '../../src/ingest/index.js';
import { openStoreReader } from '../../src/store/index.js';
import { runCliHere, tmpDir } from '../helpers.js';
import { minute } from './fixture.js';

/** Two days of syslog, 8-12 lines a minute over three services, with two error bursts and junk lines. */
function syslogText(): string {
  const services = ['api', 'db', 'web'];
  let out = '';
  for (let m = 0; m < 2 * 1440; m++) {
    const n = 8 + ((m * 7) % 5);
    for (let i = 0; i < n; i++) {
      const service = services[(m + i) % 3];
      const level = i === 0 && m % 3 === 0 ? 'ERROR' : 'INFO';
      out += `${minute(m, i * 5).replace('.000Z', 'Z')} web-${(i % 2) + 1} ${service}[${100 + i}]: ${level} request ${m * 100 + i} done\n`;
    }
    if ((m >= 600 && m < 610) || (m >= 2000 && m < 2004)) {
      for (let i = 0; i < 40; i++) out += `${minute(m, i).replace('.000Z', 'Z')} web-1 db[7]: ERROR connection refused\n`;
    }
    if (m % 500 === 0) out += 'garbage line without a timestamp\n';
  }
  return out;
}

describe('anomalies straight from files', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = tmpDir('logscope-scan-');
    file = path.join(dir, 'app.log');
    fs.writeFileSync(file, syslogText());
  });

  it('finds exactly what the same detection finds over the ingested store', async () => {
    const data = path.join(dir, 'data');
    await ingest({ inputs: [file], dataDir: data, format: { name: 'auto', options: {} } });
    const reader = await openStoreReader(data);
    let stored;
    try {
      stored = await detectAnomalies(reader.connection, { by: 'service' });
    } finally {
      reader.close();
    }
    const scanned = await detectAnomaliesInFiles({ inputs: [file], format: { name: 'auto', options: {} }, chunkBytes: 64 << 10, detect: { by: 'service' } });
    expect(scanned.scan.totals).toMatchObject({ lines: 2 * 1440 * 10 + 10 * 40 + 4 * 40 + 6, unparsed: 6 });
    expect(scanned.scan.sources[0].format).toBe('syslog');
    expect(scanned.anomalies.length).toBeGreaterThan(0);
    expect(scanned.anomalies).toEqual(stored.anomalies);
    const starts = scanned.events.filter((e) => e.measure === 'errors' && e.series === 'db').map((e) => e.start);
    expect(starts).toEqual([minute(600), minute(2000)]);
  });

  it('judges a file of 100 days in the wider bucket the ingested store is judged in, and says so', async () => {
    // One line an hour for 100 days (144,000 minutes: 5m buckets), and an error burst on day 80.
    let text = '';
    for (let h = 0; h < 100 * 24; h++) text += `${minute(h * 60).replace('.000Z', 'Z')} web-1 api[1]: INFO tick ${h}\n`;
    for (let i = 0; i < 30; i++) text += `${minute(80 * 1440 + 600, i).replace('.000Z', 'Z')} web-1 api[1]: ERROR disk full\n`;
    const own = tmpDir('logscope-scan-long-');
    const long = path.join(own, 'long.log');
    fs.writeFileSync(long, text);
    const scanned = await runCliHere(['anomalies', long, '--format', 'json']);
    expect(scanned.status, scanned.stderr).toBe(0);
    expect(scanned.stderr).toMatch(/^logscope: the range \S+ to \S+ holds 14\d,\d{3} minutes: judged in 5m buckets \(--bucket 1m judges every minute, which can take minutes\)$/m);
    const data = path.join(own, 'data');
    await ingest({ inputs: [long], dataDir: data, format: { name: 'auto', options: {} } });
    const stored = await runCliHere(['anomalies', '--data', data, '--format', 'json']);
    expect(stored.stderr).toContain('judged in 5m buckets');
    const events = (r: { stdout: string }) => (JSON.parse(r.stdout) as { events: Array<{ start: string; measure: string }> }).events.map((e) => `${e.start} ${e.measure}`);
    expect(events(scanned)).toContain(`${minute(80 * 1440 + 600)} errors`);
    expect(events(scanned)).toEqual(events(stored));
    // A bucket given is kept, and nothing is said.
    const given = await runCliHere(['anomalies', long, '--format', 'json', '--bucket', '1h']);
    expect(given.stderr).not.toContain('judged in');
  });

  it('reads .gz and stdin the same way, and nothing is written', async () => {
    fs.writeFileSync(`${file}.gz`, gzipSync(fs.readFileSync(file)));
    const plain = (await runCliHere(['anomalies', file, '--format', 'csv']));
    const gz = (await runCliHere(['anomalies', `${file}.gz`, '--format', 'csv']));
    const stdin = (await runCliHere(['anomalies', '-', '--format', 'csv', '--input-format', 'syslog'], { input: fs.readFileSync(file) }));
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.stdout.split('\n').length).toBeGreaterThan(3);
    expect(gz.stdout).toBe(plain.stdout);
    expect(stdin.stdout).toBe(plain.stdout);
    expect(plain.stderr).toMatch(/read 29,366 lines \(29,360 parsed, 6 unparsed, 0 blank\) from 1 source in [\d.]+ s \(syslog\); nothing stored/);
    expect(fs.readdirSync(dir).sort()).toEqual(['app.log', 'app.log.gz', 'data']);
  });

  it('reports a missing input and still reads the others, exiting 1', async () => {
    const r = (await runCliHere(['anomalies', file, path.join(dir, 'missing.log'), '--format', 'csv']));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${path.join(dir, 'missing.log')}: no such file`);
    expect(r.stdout.split('\n')[0]).toMatch(/^bucket,series,measure/);
  });

  it('refuses --metric, --explain and other --by fields, which need the stored records', async () => {
    expect((await runCliHere(['anomalies', file, '--metric', 'avg(x)'])).stderr).toMatch(/--metric and --explain need the stored records/);
    expect((await runCliHere(['anomalies', file, '--explain'])).stderr).toMatch(/--metric and --explain need the stored records/);
    expect((await runCliHere(['anomalies', file, '--by', 'region'])).stderr).toMatch(/--by can be service or host, got "region"/);
  });
});
