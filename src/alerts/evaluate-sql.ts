import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import { timestampTZValueFromDate } from '../duckdb.js';
import type { SqlRule } from '../config/index.js';
import { ConfigError } from '../errors.js';
import { isQueryName, prepareQuery, prepareReadOnly, QUERIES } from '../query/index.js';
import { dashboardPath, durationMs, firingKey, iso } from './evaluate-common.js';
import { SEVERITY_ORDER, type AlertSeverity, type Firing } from './firing.js';

/** Rows of an `sql` rule's result carried in its firing. */
const MAX_ROWS = 100;

/**
 * Evaluates an `sql` rule at `at` (ms): its query runs on the sealed read-only connection
 * (the same checks as `logscope sql`: one read-only statement), and the rule fires when it
 * returns rows. `$since`, `$until` and `$now`, where the query names them, are bound as
 * TIMESTAMPTZ: the rule's window before `at`, and `at`. A named query of `sql/` (`file:
 * "top-errors"`) runs with the rule's `params`, plus `since`/`until` where it takes them.
 *
 * One firing per evaluation that returns rows, with the rows as a table. Its key is a hash of
 * the rows: the same answer is sent once, a changed one again (grouped by the cool-down).
 * Severity: the highest `severity` column value of the rows when there is one, else the rule's.
 */
export async function evaluateSqlRule(conn: DuckDBConnection, rule: SqlRule, at: number): Promise<Firing[]> {
  const since = at - durationMs(rule.window);
  const { prepared, text } = await prepareRuleQuery(conn, rule, since, at);
  const reader = await prepared.runAndReadAll();
  const columns = reader.columnNames();
  const all = reader.getRowsJson() as unknown as (string | number | boolean | null | object)[][];
  if (all.length === 0) return [];
  const rows = all.slice(0, MAX_ROWS).map((row) => row.map((v) => (v === null || typeof v === 'number' || typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : JSON.stringify(v))));
  const severityColumn = columns.indexOf('severity');
  let severity: AlertSeverity = rule.severity;
  if (severityColumn >= 0) {
    const named = rows.map((r) => String(r[severityColumn]).toLowerCase()).filter((s): s is AlertSeverity => Object.hasOwn(SEVERITY_ORDER, s));
    if (named.length > 0) severity = named.reduce((a, b) => (SEVERITY_ORDER[b] > SEVERITY_ORDER[a] ? b : a));
  }
  const digest = createHash('sha256').update(JSON.stringify([columns, rows])).digest('hex').slice(0, 16);
  return [
    {
      rule: rule.name,
      kind: 'sql',
      severity,
      key: firingKey(rule.name, '*', digest),
      series: '',
      firedAt: iso(at),
      eventStart: iso(since),
      eventEnd: iso(at),
      observed: all.length,
      title: `${all.length.toLocaleString('en-US')} row${all.length === 1 ? '' : 's'} from the query of rule ${rule.name}`,
      details: [
        `The rule's query returned ${all.length.toLocaleString('en-US')} row${all.length === 1 ? '' : 's'} (window ${iso(since)} to ${iso(at)})${all.length > MAX_ROWS ? `; the first ${MAX_ROWS} are shown` : ''}.`,
      ],
      tables: [{ title: `rows of ${rule.name}`, columns, rows }],
      sql: text,
      recipients: [...rule.recipients],
      dashboardPath: dashboardPath('/sql', { rule: rule.name }),
    },
  ];
}

async function prepareRuleQuery(conn: DuckDBConnection, rule: SqlRule, since: number, at: number): Promise<{ prepared: DuckDBPreparedStatement; text: string }> {
  const times = { since: new Date(since), until: new Date(at), now: new Date(at) };
  if (rule.file !== undefined && isQueryName(rule.file)) {
    const shape = QUERIES[rule.file].params.shape as Record<string, unknown>;
    const params: Record<string, unknown> = { ...rule.params };
    for (const key of ['since', 'until'] as const) if (Object.hasOwn(shape, key) && params[key] === undefined) params[key] = times[key].toISOString();
    return { prepared: await prepareQuery(conn, rule.file, params), text: `logscope sql ${rule.file} ${Object.entries(params).map(([k, v]) => `-p ${k}=${String(v)}`).join(' ')}`.trim() };
  }
  let text: string;
  if (rule.file !== undefined) {
    try {
      text = fs.readFileSync(rule.file, 'utf8');
    } catch (err) {
      throw new ConfigError(`alerts rule "${rule.name}": file: cannot read ${rule.file}: ${(err as Error).message}`, { cause: err });
    }
  } else {
    text = rule.query as string;
  }
  const statements = await prepareReadOnly(conn, text);
  if (statements.length !== 1) throw new ConfigError(`alerts rule "${rule.name}": ${rule.file !== undefined ? 'file' : 'query'}: must be one statement, is ${statements.length}`);
  const [prepared] = statements;
  const values: Record<string, ReturnType<typeof timestampTZValueFromDate>> = {};
  for (let i = 1; i <= prepared.parameterCount; i++) {
    const name = prepared.parameterName(i);
    if (name !== 'since' && name !== 'until' && name !== 'now') throw new ConfigError(`alerts rule "${rule.name}": query: unknown parameter $${name} (an sql rule's query may use $since, $until and $now)`);
    values[name] = timestampTZValueFromDate(times[name]);
  }
  if (prepared.parameterCount > 0) prepared.bind(values);
  return { prepared, text };
}
