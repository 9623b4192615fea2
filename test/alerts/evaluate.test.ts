import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRule } from '../../src/alerts/index.js';
import type { ErrorBurst } from '../../src/generate/index.js';
import { generatedStore, NOVEL_MESSAGE, ruleOf, steadyStore, type GeneratedStore } from './fixture.js';

const MINUTE = 60_000;
let burstStore: GeneratedStore;
let burst: ErrorBurst;
let steady: Awaited<ReturnType<typeof steadyStore>>;
const NOVEL_AT = Date.parse('2026-11-20T15:30:00Z');

beforeAll(async () => {
  // Six hours of generated syslog: the generator injects one error burst (and a volume drop and a
  // slow ramp); a message shape it never writes is appended at 15:30.
  burstStore = await generatedStore({ lines: 15_000, start: '2026-11-20T10:00:00Z', days: 0.25, seed: 3, novelAt: NOVEL_AT });
  burst = burstStore.truth.anomalies.find((a): a is ErrorBurst => a.kind === 'error_burst') as ErrorBurst;
  steady = await steadyStore({ start: '2026-11-20T10:00:00Z', minutes: 180 });
}, 120_000);

afterAll(() => {
  burstStore?.reader.close();
  steady?.reader.close();
});

const anomalyRule = ruleOf({ name: 'spikes', kind: 'anomaly', by: 'service', window: 30 });

describe('anomaly rules', () => {
  it('fire once per event on the injected error burst, with its series, chart, contributors and reproducing SQL', async () => {
    const at = Date.parse(burst.start) + 10 * MINUTE;
    const { firings, error } = await evaluateRule(burstStore.reader.connection, anomalyRule, at);
    expect(error).toBeUndefined();
    const errors = firings.filter((f) => f.key.includes('|errors|'));
    expect(errors).toHaveLength(1);
    const [f] = errors;
    expect(f.series).toBe(`service=${burst.service}`);
    expect(Date.parse(f.eventStart)).toBeGreaterThanOrEqual(Date.parse(burst.start));
    expect(Date.parse(f.eventStart)).toBeLessThan(Date.parse(burst.start) + 5 * MINUTE);
    expect(f.key).toBe(`spikes|service=${burst.service}|errors|${f.eventStart}`);
    expect(f.firedAt).toBe(new Date(at).toISOString());
    expect(f.observed).toBeGreaterThan(f.expected as number);
    expect(f.chart?.points.some((p) => p.flagged)).toBe(true);
    expect(f.chart?.points.every((p) => Date.parse(p.t) < at)).toBe(true);
    expect(f.contributors?.some((c) => c.dimension === 'host' && c.value === burst.host)).toBe(true);
    expect(f.dashboardPath).toContain(`/anomalies?from=`);
    expect(f.dashboardPath).toContain(`by=service&series=${burst.service}`);
    // The SQL in the firing gives the observed value at the peak bucket.
    const rows = (await burstStore.reader.connection.runAndReadAll(f.sql as string)).getRowObjectsJson();
    expect(rows.map((r) => Number(r.errors))).toContain(f.observed);
  });

  it('watch a metric, with SQL that gives its observed value', async () => {
    const rule = ruleOf({ name: 'metric', kind: 'anomaly', metric: `count(*) FILTER (WHERE level = 'ERROR' AND service = '${burst.service}')`, direction: 'up', bucket: '5m', window: 12, baseline: 'trailing', minSeverity: 'info' });
    const at = Date.parse(burst.start) + 15 * MINUTE;
    const { firings, error } = await evaluateRule(burstStore.reader.connection, rule, at);
    expect(error).toBeUndefined();
    const [f] = firings.filter((x) => x.key.includes('|metric|'));
    expect(f.title.startsWith(`count(*) FILTER (WHERE level = 'ERROR' AND service = '${burst.service}') per 5m rose to `)).toBe(true);
    const rows = (await burstStore.reader.connection.runAndReadAll(f.sql as string)).getRowObjectsJson();
    expect(rows.map((r) => Number(r.metric))).toContain(f.observed);
  });

  it('give the same keys when the same evaluation runs twice, and while the event lasts', async () => {
    const at = Date.parse(burst.start) + 5 * MINUTE;
    const first = await evaluateRule(burstStore.reader.connection, anomalyRule, at);
    const again = await evaluateRule(burstStore.reader.connection, anomalyRule, at);
    expect(first.firings.length).toBeGreaterThan(0);
    expect(again.firings).toEqual(first.firings);
    const later = await evaluateRule(burstStore.reader.connection, anomalyRule, at + 5 * MINUTE);
    expect(later.firings.map((f) => f.key)).toEqual(expect.arrayContaining(first.firings.map((f) => f.key)));
  });

  it('stay quiet on a steady log', async () => {
    const { firings, belowFloor, error } = await evaluateRule(steady.reader.connection, ruleOf({ kind: 'anomaly', by: 'service', window: 30, minSeverity: 'info' }), steady.end);
    expect(error).toBeUndefined();
    expect([...firings, ...belowFloor]).toEqual([]);
  });

  it('judge only the buckets before the newest stored record when told where the data ends (an ingest running behind is no drop)', async () => {
    const rule = ruleOf({ kind: 'anomaly', by: 'service', window: 30 });
    const at = steady.end + 10 * MINUTE;
    const blind = await evaluateRule(steady.reader.connection, rule, at);
    expect(blind.firings.map((f) => f.title)).toContain('volume/1m fell to 0, expected 10 (after a flat history) (service=db)');
    const dataEnd = steady.reader.span?.max as number;
    expect(dataEnd).toBeLessThan(steady.end);
    const told = await evaluateRule(steady.reader.connection, rule, at, { dataEnd });
    expect(told.firings).toEqual([]);
  });

  it('do not see data after the evaluation time', async () => {
    const { firings } = await evaluateRule(burstStore.reader.connection, anomalyRule, Date.parse(burst.start));
    expect(firings.filter((f) => f.series === `service=${burst.service}` && f.key.includes('|errors|'))).toEqual([]);
  });

  it('keep firings under the severity floor out of what is sent', async () => {
    const strict = ruleOf({ name: 'spikes', kind: 'anomaly', by: 'service', window: 30, threshold: 100, minCount: 1, minSeverity: 'critical' });
    const lenient = ruleOf({ name: 'spikes', kind: 'anomaly', by: 'service', window: 30, threshold: 100, minCount: 1, minSeverity: 'warning' });
    const at = Date.parse(burst.start) + 10 * MINUTE;
    const a = await evaluateRule(burstStore.reader.connection, strict, at);
    const b = await evaluateRule(burstStore.reader.connection, lenient, at);
    expect([...a.firings, ...a.belowFloor].map((f) => f.key).sort()).toEqual([...b.firings, ...b.belowFloor].map((f) => f.key).sort());
    expect(a.firings.every((f) => f.severity === 'critical')).toBe(true);
    expect(a.belowFloor.every((f) => f.severity === 'warning')).toBe(true);
  });
});

describe('error_rate rules', () => {
  const rule = ruleOf({ name: 'error-rate', kind: 'error_rate', above: 0.2, by: 'service', window: '10m' });

  it('fire for the service of the injected burst, keyed by when its rate went over', async () => {
    const at = Date.parse(burst.start) + 10 * MINUTE;
    const { firings } = await evaluateRule(burstStore.reader.connection, rule, at);
    expect(firings.map((f) => f.series)).toEqual([`service=${burst.service}`]);
    const [f] = firings;
    expect(f.observed).toBeGreaterThan(0.2);
    expect(f.title).toMatch(/^error rate [\d.]+% > 20% over 10m \(service=/);
    const later = await evaluateRule(burstStore.reader.connection, rule, at + 5 * MINUTE);
    expect(later.firings.map((x) => x.key)).toEqual([f.key]);
    const rows = (await burstStore.reader.connection.runAndReadAll(f.sql as string)).getRowObjectsJson();
    expect(Number(rows[0].error_rate)).toBeCloseTo(f.observed as number, 3);
  });

  it('stay quiet on a steady log', async () => {
    const { firings, belowFloor } = await evaluateRule(steady.reader.connection, ruleOf({ kind: 'error_rate', above: 0.05, minSeverity: 'info' }), steady.end);
    expect([...firings, ...belowFloor]).toEqual([]);
  });
});

describe('new_pattern rules', () => {
  const rule = ruleOf({ name: 'novel', kind: 'new_pattern', window: '15m', minLevel: 'ERROR' });

  it('fire for a message shape first seen in the window', async () => {
    const { firings } = await evaluateRule(burstStore.reader.connection, rule, NOVEL_AT + 5 * MINUTE);
    const novel = firings.filter((f) => f.title.includes('ledger checksum mismatch'));
    expect(novel).toHaveLength(1);
    expect(novel[0].severity).toBe('warning');
    expect(novel[0].key).toMatch(/^novel\|template=\d+$/);
    expect(novel[0].eventStart).toBe(new Date(NOVEL_AT).toISOString());
    expect(novel[0].details.join('\n')).toContain(NOVEL_MESSAGE.replace('7', '1'));
  });

  it('do not fire before the shape appears, nor once the window has passed it', async () => {
    for (const at of [NOVEL_AT, NOVEL_AT + 20 * MINUTE]) {
      const { firings } = await evaluateRule(burstStore.reader.connection, rule, at);
      expect(firings.filter((f) => f.title.includes('ledger checksum mismatch'))).toEqual([]);
    }
  });

  it('stay quiet on a steady log', async () => {
    const { firings, belowFloor } = await evaluateRule(steady.reader.connection, ruleOf({ kind: 'new_pattern', window: '1h', minSeverity: 'info' }), steady.end);
    expect([...firings, ...belowFloor]).toEqual([]);
  });
});

describe('sql rules', () => {
  const rule = ruleOf({
    name: 'many-errors',
    kind: 'sql',
    window: '10m',
    query: "SELECT service, count(*) AS errors FROM logs WHERE level IN ('ERROR', 'FATAL') AND ts >= $since AND ts < $until GROUP BY ALL HAVING count(*) >= 50 ORDER BY service",
  });

  it('fire when the query returns rows, with the rows as a table', async () => {
    const { firings, error } = await evaluateRule(burstStore.reader.connection, rule, Date.parse(burst.start) + 10 * MINUTE);
    expect(error).toBeUndefined();
    expect(firings).toHaveLength(1);
    expect(firings[0].tables?.[0].columns).toEqual(['service', 'errors']);
    expect(firings[0].tables?.[0].rows.map((r) => r[0])).toEqual([burst.service]);
    expect(firings[0].sql).toBe(rule.kind === 'sql' ? rule.query : '');
  });

  it('stay quiet when the query returns no rows', async () => {
    const { firings, error } = await evaluateRule(steady.reader.connection, rule, steady.end);
    expect(error).toBeUndefined();
    expect(firings).toEqual([]);
  });

  it('run a named query of sql/ with the window bound', async () => {
    const named = ruleOf({ name: 'top', kind: 'sql', file: 'top-errors', params: { limit: 1 }, window: '10m' });
    const at = Date.parse(burst.start) + 10 * MINUTE;
    const { firings, error } = await evaluateRule(burstStore.reader.connection, named, at);
    expect(error).toBeUndefined();
    const table = firings[0].tables?.[0];
    expect(table?.columns).toEqual(['service', 'message', 'count', 'hosts', 'first_seen', 'last_seen']);
    expect(table?.rows).toHaveLength(1);
    const [first, last] = [table?.rows[0][4], table?.rows[0][5]].map((v) => Date.parse(String(v).replace(' ', 'T').replace(/\+00$/, 'Z')));
    expect(first).toBeGreaterThanOrEqual(at - 10 * MINUTE);
    expect(last).toBeLessThan(at);
    expect(firings[0].sql).toBe(`logscope sql top-errors -p limit=1 -p since=${new Date(at - 10 * MINUTE).toISOString()} -p until=${new Date(at).toISOString()}`);
  });

  it('refuse a statement that writes, naming the rule', async () => {
    const writing = ruleOf({ name: 'sneaky', kind: 'sql', query: "COPY (SELECT 1) TO '/tmp/x.csv'" });
    const { firings, error } = await evaluateRule(steady.reader.connection, writing, steady.end);
    expect(firings).toEqual([]);
    expect(error).toMatch(/read-only/);
  });

  it('refuse a parameter other than $since, $until and $now, naming the rule', async () => {
    const odd = ruleOf({ name: 'odd', kind: 'sql', query: 'SELECT $limit AS x' });
    const { error } = await evaluateRule(steady.reader.connection, odd, steady.end);
    expect(error).toBe('alerts rule "odd": query: unknown parameter $limit (an sql rule\'s query may use $since, $until and $now)');
  });
});

describe('digest rules', () => {
  const rule = ruleOf({ name: 'daily', kind: 'digest', schedule: '0 * * * *', period: '1h' });

  it('say all quiet on a steady log', async () => {
    const { firings } = await evaluateRule(steady.reader.connection, rule, steady.end);
    expect(firings).toHaveLength(1);
    expect(firings[0].title).toBe('digest of the last 1h: all quiet');
    expect(firings[0].details[0]).toMatch(/^All quiet: no anomalies and no new log patterns from 2026-11-20 12:00 UTC to 2026-11-20 13:00 UTC\.$/);
    expect(firings[0].tables?.map((t) => t.title)).toEqual(['top errors', 'lines and error rate per service, against the 1h before']);
  });

  it('report the burst of its period, at its latest scheduled time', async () => {
    // Evaluated some minutes after the hour that holds the burst's end: the period ends on the hour.
    const hourEnd = Math.ceil(Date.parse(burst.end) / 3_600_000) * 3_600_000;
    const { firings, at } = await evaluateRule(burstStore.reader.connection, rule, hourEnd + 7 * MINUTE);
    expect(at).toBe(new Date(hourEnd).toISOString());
    const [digest] = firings;
    expect(digest.title).not.toContain('all quiet');
    const anomalies = digest.tables?.find((t) => t.title.startsWith('anomalies'));
    expect(anomalies?.rows.some((r) => r[2] === burst.service && r[3] === 'errors/5m')).toBe(true);
    const topErrors = digest.tables?.find((t) => t.title === 'top errors');
    expect(topErrors?.rows.length).toBeGreaterThan(0);
    expect(topErrors?.columns).toEqual(['pattern', 'errors', 'services', 'hosts', 'last seen']);
    expect(topErrors?.rows.some((r) => String(r[0]).includes('<*>') && String(r[2]).includes(burst.service))).toBe(true);
    for (const row of topErrors?.rows ?? []) expect(String(row[4])).toMatch(/^2026-11-20T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(digest.key).toBe(`daily|*|${new Date(hourEnd - 3_600_000).toISOString()}|${new Date(hourEnd).toISOString()}`);
  });
});
