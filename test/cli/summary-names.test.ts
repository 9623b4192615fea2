import { describe, expect, it } from 'vitest';
import { formatIngestSummary, shortenSource } from '../../src/cli/summary.js';
import type { IngestSummary } from '../../src/ingest/index.js';

const K8S = '/srv/logs/k8s/Kind-Fluentd-With-Local-Elastic-Container_etcd-kind-control-plane_kube-system_etcd-472ee8d46558681bd8a13fa8f46551e7177080b3117c574ceecbd9c5a76649e9.log';
const DEEP = '/srv/archive/2026/11/25/cluster-eu-west-1/nodes/ip-10-0-0-12.eu-west-1.compute.internal/var/log/app.log';

function summaryOf(sources: string[]): IngestSummary {
  const counts = { lines: 3, parsed: 3, unparsed: 0, blank: 0, joined: 0, bytes: 30 };
  return {
    dataDir: '/srv/data',
    sources: sources.map((source) => ({ source, format: 'syslog', status: 'ingested', fromLine: 1, ...counts })),
    errors: [],
    warnings: [],
    totals: { ...counts, lines: 3 * sources.length, parsed: 3 * sources.length },
    batches: 1,
    workers: 2,
    timezone: 'UTC',
    elapsedMs: 100,
    linesPerSecond: 60,
    megabytesPerSecond: 0.1,
    peakRssMB: 100,
  } as unknown as IngestSummary;
}

describe('source names in the ingest summary', () => {
  it('keeps a name that fits as it is', () => {
    expect(shortenSource('/var/log/syslog', 80)).toBe('/var/log/syslog');
  });

  it('shortens a long directory and keeps the file name whole', () => {
    const short = shortenSource(DEEP, 80);
    expect(short).toHaveLength(80);
    expect(short.startsWith('/srv/archive/2026/11/25/')).toBe(true);
    expect(short.endsWith('…/app.log')).toBe(true);
  });

  it('shows most of the start of a file name too long for the width, and its end', () => {
    const short = shortenSource(K8S, 80);
    expect(short).toHaveLength(80);
    expect(short.startsWith('…/Kind-Fluentd-With-Local-Elastic-Container_etcd-kind')).toBe(true);
    expect(short.endsWith('c574ceecbd9c5a76649e9.log')).toBe(true);
  });

  it('keeps the table within the width, whatever the names', () => {
    const lines = formatIngestSummary(summaryOf([K8S, DEEP, '/var/log/syslog'])).split('\n');
    const header = lines[1];
    // The source column is as wide as its widest (shortened) name: 80 characters and two blanks before the format.
    expect(header.indexOf('format')).toBe(82);
    expect(lines.some((l) => l.startsWith('/var/log/syslog '))).toBe(true);
  });
});
