import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';

const good = { name: 'api-errors', kind: 'anomaly', schedule: '*/5 * * * *', recipients: ['oncall@example.com'] };

/** Loads a config whose rules are a valid one first and `rule` second; returns the error message. */
function errorOf(rule: Record<string, unknown>): string {
  try {
    loadConfig({ alerts: { rules: [{ ...good, name: 'first' }, rule] } });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the config loaded');
}

describe('alert rules in the config file', () => {
  it('fills the defaults of a minimal anomaly rule', () => {
    const [rule] = loadConfig({ alerts: { rules: [good] } }).alerts.rules;
    expect(rule).toMatchObject({ kind: 'anomaly', bucket: '1m', by: '', baseline: 'auto', threshold: 3, window: 60, direction: 'both', minCount: 5, cooldown: '15m', minSeverity: 'warning', timezone: 'UTC', enabled: true, lookback: '15m' });
  });

  it('has no rules when the config has no alerts key', () => {
    expect(loadConfig({}).alerts.rules).toEqual([]);
  });

  it.each([
    ['schedule', { schedule: '*/5 * *' }, 'config: alerts.rules[1] "api-errors": schedule: not a cron expression "*/5 * *"'],
    ['schedule (a bad minute)', { schedule: '61 * * * *' }, 'alerts.rules[1] "api-errors": schedule: not a cron expression "61 * * * *"'],
    ['kind', { kind: 'spike' }, 'alerts.rules[1] "api-errors": kind: kind must be anomaly, error_rate, new_pattern, sql or digest (got "spike")'],
    ['recipients (not an address)', { recipients: ['oncall'] }, 'alerts.rules[1] "api-errors": recipients[0]: not an email address (got "oncall")'],
    ['recipients (none)', { recipients: [] }, 'alerts.rules[1] "api-errors": recipients: at least one recipient'],
    ['cooldown', { cooldown: '15 parsecs' }, 'alerts.rules[1] "api-errors": cooldown: cooldown must be a duration such as 30s, 15m, 1h or 1d (got "15 parsecs")'],
    ['minSeverity', { minSeverity: 'high' }, 'alerts.rules[1] "api-errors": minSeverity:'],
    ['timezone', { timezone: 'Mars/Olympus' }, 'alerts.rules[1] "api-errors": timezone: not a time zone'],
    ['name', { name: 'api errors!' }, 'alerts.rules[1] "api errors!": name: a rule name is 1-64 letters'],
    ['an unknown key', { thresold: 4 }, 'alerts.rules[1] "api-errors": thresold: not a key of this kind of rule'],
    ['anomaly threshold', { threshold: -1 }, 'alerts.rules[1] "api-errors": threshold:'],
    ['anomaly window', { window: 1 }, 'alerts.rules[1] "api-errors": window:'],
    ['anomaly bucket', { bucket: 'soon' }, 'alerts.rules[1] "api-errors": bucket: bucket must be a duration'],
    ['anomaly baseline', { baseline: 'weekly' }, 'alerts.rules[1] "api-errors": baseline:'],
    ['anomaly direction', { direction: 'sideways' }, 'alerts.rules[1] "api-errors": direction:'],
    ['anomaly minCount', { minCount: -2 }, 'alerts.rules[1] "api-errors": minCount:'],
    ['anomaly lookback', { lookback: 'a while' }, 'alerts.rules[1] "api-errors": lookback: lookback must be a duration'],
    ['error_rate above (missing)', { kind: 'error_rate' }, 'alerts.rules[1] "api-errors": above: missing (required)'],
    ['error_rate above (over 1)', { kind: 'error_rate', above: 5 }, 'alerts.rules[1] "api-errors": above:'],
    ['error_rate by', { kind: 'error_rate', above: 0.05, by: 'level' }, 'alerts.rules[1] "api-errors": by:'],
    ['error_rate window', { kind: 'error_rate', above: 0.05, window: '15' }, 'alerts.rules[1] "api-errors": window: window must be a duration'],
    ['new_pattern minLevel', { kind: 'new_pattern', minLevel: 'LOUD' }, 'alerts.rules[1] "api-errors": minLevel:'],
    ['sql without a query', { kind: 'sql' }, 'alerts.rules[1] "api-errors": query: an sql rule has either "query" or "file"'],
    ['sql with both', { kind: 'sql', query: 'SELECT 1', file: 'x.sql' }, 'alerts.rules[1] "api-errors": query: an sql rule has either "query" or "file"'],
    ['digest period', { kind: 'digest', period: 'weekly' }, 'alerts.rules[1] "api-errors": period: period must be a duration'],
    ['digest minSeverity (a digest always sends)', { kind: 'digest', minSeverity: 'info' }, 'alerts.rules[1] "api-errors": minSeverity: not a key of this kind of rule'],
  ])('names the rule and the field for a bad %s', (_field, change, expected) => {
    expect(errorOf({ ...good, ...change })).toContain(expected);
  });

  it('names the rule by its place when the name is missing', () => {
    const { name: _, ...unnamed } = good;
    expect(errorOf(unnamed)).toContain('alerts.rules[1]: name: missing (required)');
  });

  it('refuses two rules of the same name, naming both places', () => {
    expect(errorOf({ ...good, name: 'first' })).toContain('alerts.rules[1] "first": name: the name is taken by alerts.rules[0]; rule names are unique');
  });

  it('accepts each kind with its options', () => {
    const rules = [
      { ...good, name: 'a', bucket: '5m', by: 'service', metric: 'avg(latency_ms)', direction: 'up', threshold: 4 },
      { ...good, name: 'b', kind: 'error_rate', above: 0.05, by: 'host', window: '10m' },
      { ...good, name: 'c', kind: 'new_pattern', minLevel: 'WARN', window: '1h' },
      { ...good, name: 'd', kind: 'sql', query: 'SELECT 1 WHERE false', severity: 'critical' },
      { ...good, name: 'e', kind: 'digest', schedule: '0 8 * * *', timezone: 'Europe/Paris', period: '1d' },
    ];
    expect(loadConfig({ alerts: { rules } }).alerts.rules.map((r) => r.kind)).toEqual(['anomaly', 'error_rate', 'new_pattern', 'sql', 'digest']);
  });
});
