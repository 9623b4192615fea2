import type { DuckDBConnection } from '@duckdb/node-api';
import type { NewPatternRule } from '../config/index.js';
import { findNewPatterns, type Pattern } from '../detect/index.js';
import { dashboardPath, durationMs, firingKey, formatTime, iso } from './evaluate-common.js';
import type { AlertSeverity, Firing } from './firing.js';

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'FATAL'] as const;

/**
 * Evaluates a `new_pattern` rule at `at` (ms): the log templates first seen in the `window`
 * before `at` (`findNewPatterns`, what `logscope patterns --new-since` lists), with lines at
 * `minLevel` or above when the rule has one. One firing per template, keyed by its id.
 * Severity: `critical` for a template with FATAL lines, `warning` with ERROR or WARN lines, else `info`.
 */
export async function evaluateNewPatternRule(conn: DuckDBConnection, rule: NewPatternRule, at: number): Promise<Firing[]> {
  const windowMs = durationMs(rule.window);
  const from = at - windowMs;
  const found = await findNewPatterns(conn, iso(from));
  const floor = rule.minLevel === undefined ? 0 : LEVELS.indexOf(rule.minLevel);
  return found
    .filter((p) => Date.parse(p.first_seen) < at)
    .filter((p) => LEVELS.some((level, i) => i >= floor && (p.levels[level] ?? 0) > 0))
    .map((p) => toFiring(rule, p, at, from));
}

function severityOf(p: Pattern): AlertSeverity {
  if ((p.levels.FATAL ?? 0) > 0) return 'critical';
  if ((p.levels.ERROR ?? 0) > 0 || (p.levels.WARN ?? 0) > 0) return 'warning';
  return 'info';
}

function toFiring(rule: NewPatternRule, p: Pattern, at: number, from: number): Firing {
  const levels = Object.entries(p.levels)
    .filter(([, n]) => n > 0)
    .map(([level, n]) => `${n.toLocaleString('en-US')} ${level}`)
    .join(', ');
  const id = String(p.id);
  return {
    rule: rule.name,
    kind: 'new_pattern',
    severity: severityOf(p),
    key: firingKey(rule.name, `template=${id}`),
    series: `template=${id}`,
    firedAt: iso(at),
    eventStart: p.first_seen,
    eventEnd: iso(at),
    observed: p.count,
    title: `new log pattern: ${p.text.length > 80 ? `${p.text.slice(0, 77)}...` : p.text}`,
    details: [
      `A log template never seen before ${formatTime(Date.parse(p.first_seen))} appeared (first seen within the last ${rule.window}): ${p.text}`,
      `${p.count.toLocaleString('en-US')} line${p.count === 1 ? '' : 's'} so far (${levels}), last at ${formatTime(Date.parse(p.last_seen))}.`,
      `First line: ${p.example_source}:${p.example_line}: ${p.example}`,
    ],
    tables: [{ title: 'the new template', columns: ['template', 'first seen', 'lines', 'levels', 'first line'], rows: [[p.text, p.first_seen, p.count, levels, p.example]] }],
    sql: `SELECT ts, host, service, level, message, source, line FROM logs WHERE template_id = ${id} ORDER BY ts LIMIT 100;`,
    recipients: [...rule.recipients],
    dashboardPath: dashboardPath('/patterns', { new_since: iso(from), template: id }),
  };
}
