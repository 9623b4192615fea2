import type { Firing } from '../../src/alerts/firing.js';

const T0 = Date.parse('2026-12-03T09:00:00.000Z');
const MIN5 = 300_000;

/** A realistic anomaly firing: errors of service=api jump in two 5-minute buckets. Override any field. */
export function anomalyFiring(overrides: Partial<Firing> = {}): Firing {
  const points = Array.from({ length: 24 }, (_, i) => {
    const flagged = i === 13 || i === 14;
    return { t: new Date(T0 + i * MIN5).toISOString(), value: flagged ? 180 + i : 10 + ((i * 7) % 5), expected: 12, ...(flagged ? { flagged: true } : {}) };
  });
  return {
    rule: 'api-errors',
    kind: 'anomaly',
    severity: 'critical',
    key: 'api-errors|service=api|2026-12-03T10:05:00.000Z',
    series: 'service=api',
    firedAt: '2026-12-03T10:16:00.000Z',
    eventStart: '2026-12-03T10:05:00.000Z',
    eventEnd: '2026-12-03T10:10:00.000Z',
    observed: 193,
    expected: 12,
    z: 14.2,
    title: 'errors 193 vs 12 expected (z 14.2) for service=api',
    details: ['Errors of service=api rose to 193 in the 5-minute bucket at 10:05 UTC, against 12 expected from the 12 buckets before.', 'Most of the rise is one template on two hosts.'],
    chart: { bucketSeconds: 300, label: 'errors / 5m, service=api', points },
    contributors: [
      { dimension: 'host', value: 'web-03', observed: 150, expected: 4 },
      { dimension: 'host', value: 'web-01', observed: 30, expected: 5 },
      { dimension: 'template', value: 'upstream timed out after <*> ms <script>', observed: 170, expected: 2 },
    ],
    sql: "SELECT time_bucket(INTERVAL '5 minutes', ts) AS bucket, count(*) FILTER (WHERE level IN ('ERROR', 'FATAL')) AS errors\nFROM logs WHERE service = 'api' AND ts >= '2026-12-03T09:00:00Z' AND ts < '2026-12-03T11:00:00Z'\nGROUP BY ALL ORDER BY bucket",
    recipients: ['oncall@example.com', 'Dev Team <dev@example.com>'],
    dashboardPath: '/anomalies?series=service%3Dapi&from=2026-12-03T09:00:00Z',
    ...overrides,
  };
}

/** A digest firing; with `quiet` its tables have no rows. */
export function digestFiring(quiet: boolean, overrides: Partial<Firing> = {}): Firing {
  return {
    rule: 'daily-report',
    kind: 'digest',
    severity: 'info',
    key: `daily-report|2026-12-02`,
    series: '',
    firedAt: '2026-12-03T00:00:05.000Z',
    eventStart: '2026-12-02T00:00:00.000Z',
    eventEnd: '2026-12-03T00:00:00.000Z',
    title: quiet ? 'Daily report' : 'Daily report: 2 anomalies, 1 new pattern',
    details: [],
    tables: [
      { title: 'Anomalies', columns: ['bucket', 'series', 'observed', 'expected', 'z'], rows: quiet ? [] : [['2026-12-02T10:05:00.000Z', 'service=api', 193, 12, 14.2], ['2026-12-02T17:40:00.000Z', 'host=db-1', 0, 240, -6.1]] },
      { title: 'New patterns', columns: ['first seen', 'level', 'template', 'count'], rows: quiet ? [] : [['2026-12-02T11:00:00.000Z', 'WARN', 'disk <*> is <*>% full', 42]] },
      { title: 'Top errors', columns: ['template', 'count'], rows: quiet ? [] : [['upstream timed out after <*> ms', 1830], ['connection reset by peer', 211]] },
    ],
    recipients: ['team@example.com'],
    ...overrides,
  };
}
