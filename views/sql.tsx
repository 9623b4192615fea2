import type { Json } from '@duckdb/node-api';
import { formatDuration, formatNumber, formatUtc } from '../src/charts/index.js';
import type { ConsoleHistoryEntry, ConsolePage, ConsoleQueryState } from '../src/serve/console.js';
import { Empty, Panel } from './components.js';
import { Layout } from './layout.js';
import { PageStyles } from './page-styles.js';

/** Rows per page of a console result. */
export const RESULT_PAGE = 50;

/** What the SQL page shows. */
export interface SqlPageProps {
  sql: string;
  examples: { name: string; sql: string }[];
  history: ConsoleHistoryEntry[];
  /** The query shown under the form, with its page of rows when done. */
  query?: ConsoleQueryState;
  page?: ConsolePage;
  /** A refusal or a parse error of the SQL in the form. */
  error?: string;
  dataDir: string;
  rowCap: number;
  timeLimitMs: number;
}

/** The SQL console: a query box with starting points, the running query's progress or its result, and the history. */
export function SqlPage(props: SqlPageProps) {
  return (
    <Layout
      title="SQL console"
      subtitle="Read-only SQL over the store (views logs, log_records, unparsed, templates, sources, batches, alert_history), sandboxed as logscope sql is"
      active="/sql"
      dataDir={props.dataDir}
    >
      <PageStyles />
      <div class="grid" style="grid-template-columns: minmax(0, 3fr) minmax(260px, 1fr); align-items: start">
        <div class="grid">
          <Panel title="Query" hint={`At most ${formatNumber(props.rowCap)} rows kept · stopped after ${formatDuration(props.timeLimitMs)}`}>
            <form class="sqlform" method="post" action="/sql/run" hx-post="/sql/run" hx-target="#result" hx-swap="innerHTML">
              <textarea name="sql" spellcheck={false} aria-label="SQL" placeholder="SELECT level, count(*) FROM logs GROUP BY ALL ORDER BY 2 DESC">
                {props.sql}
              </textarea>
              {props.error !== undefined ? <div class="field-error" role="alert">{props.error}</div> : null}
              <div class="row">
                <button type="submit" id="run">
                  Run
                </button>
                <span class="muted small">Read-only: SELECT, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN. A running query can be cancelled.</span>
              </div>
              <div class="examples small">
                <span class="muted">Starting points from sql/ (run with their default parameters):</span>{' '}
                {props.examples.map((e) => (
                  <a href={`/sql?example=${encodeURIComponent(e.name)}`} title={e.sql.split('\n')[0]}>
                    {e.name}
                  </a>
                ))}
              </div>
            </form>
          </Panel>
          <div id="result">{props.query !== undefined ? <QueryResult query={props.query} page={props.page} /> : null}</div>
        </div>
        <HistoryPanel entries={props.history} />
      </div>
    </Layout>
  );
}

/**
 * The history panel. With `oob`, htmx swaps it in beside a query's panel (out of band), so the
 * list follows the queries run without a reload.
 */
export function HistoryPanel(props: { entries: ConsoleHistoryEntry[]; oob?: boolean }) {
  return (
    <section class="panel" id="history" hx-swap-oob={props.oob ? 'true' : undefined}>
      <header>
        <h2>History</h2>
        <span class="hint">last queries, newest first</span>
      </header>
      <div class="body">
        <History entries={props.entries} />
      </div>
    </section>
  );
}

/** The history list; each entry opens the console with its SQL. */
export function History(props: { entries: ConsoleHistoryEntry[] }) {
  if (props.entries.length === 0) {
    return (
      <Empty title="No queries yet">
        <p>Queries you run here are listed, newest first.</p>
      </Empty>
    );
  }
  return (
    <div class="history">
      <ul>
        {props.entries.slice(0, 20).map((h) => (
          <li>
            <a href={`/sql?sql=${encodeURIComponent(h.sql)}`} title={h.sql}>
              <code>{h.sql.replace(/\s+/g, ' ').trim()}</code>
            </a>
            <span class="meta">
              <span class={`badge ${h.status}`}>{h.status}</span> {formatUtc(Date.parse(h.at))} · {h.status === 'done' ? `${formatNumber(h.rowCount)} rows · ` : ''}
              <span class="nowrap">{formatSeconds(h.elapsedMs)}</span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : formatDuration(ms);
}

/**
 * A query's panel: while it runs, DuckDB's progress and a Cancel button, polled by htmx every
 * half second (this fragment replaces itself); then its rows a page at a time, or its error.
 */
export function QueryResult(props: { query: ConsoleQueryState; page?: ConsolePage; history?: ConsoleHistoryEntry[] }) {
  const q = props.query;
  const history = props.history !== undefined ? <HistoryPanel entries={props.history} oob /> : null;
  const base = `/sql/q/${encodeURIComponent(q.id)}`;
  if (q.status === 'running') {
    const pct = q.progress;
    return (
      <section class="panel" id="query-panel" hx-get={base} hx-trigger="every 500ms" hx-swap="outerHTML" data-status="running">
        <header>
          <h2>Running…</h2>
          <span class="hint">{formatSeconds(q.elapsedMs)}</span>
        </header>
        <div class="body runstate">
          <div class={pct === null ? 'progress indeterminate' : 'progress'} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct === null ? undefined : Math.round(pct)}>
            <span style={`width:${(pct ?? 0).toFixed(1)}%`}></span>
          </div>
          <div class="line">
            <span id="progress-text">
              {pct === null ? 'DuckDB reports no progress for this query yet' : `${pct.toFixed(1)}% · ${formatNumber(q.rowsProcessed)} of ${formatNumber(q.totalRows)} rows read`}
            </span>
            <form method="post" action={`${base}/cancel`} hx-post={`${base}/cancel`} hx-target="#query-panel" hx-swap="outerHTML">
              <button type="submit" class="secondary" id="cancel">
                Cancel
              </button>
            </form>
          </div>
        </div>
      </section>
    );
  }
  if (q.status !== 'done') {
    return (
      <>
      {history}
      <section class="panel" id="query-panel" data-status={q.status}>
        <header>
          <h2>
            <span class={`badge ${q.status}`}>{q.status}</span> after {formatSeconds(q.elapsedMs)}
          </h2>
        </header>
        <div class="body">
          <div class={q.status === 'cancelled' ? 'note' : 'note error'} role="alert">
            <span>{q.error}</span>
          </div>
        </div>
      </section>
      </>
    );
  }
  const page = props.page ?? { offset: 0, limit: RESULT_PAGE, rowCount: q.rowCount, rows: [] };
  const end = page.offset + page.rows.length;
  const pageLink = (offset: number) => `${base}?offset=${offset}`;
  return (
    <>
    {history}
    <section class="panel" id="query-panel" data-status="done">
      <header>
        <h2>
          {formatNumber(q.rowCount)} {q.rowCount === 1 ? 'row' : 'rows'}
          {q.truncated ? ` (cut at the cap of ${formatNumber(q.rowCap)})` : ''}
        </h2>
        <span class="hint">
          {formatSeconds(q.elapsedMs)} · download{' '}
          <a href={`/api/sql/queries/${encodeURIComponent(q.id)}/download?format=csv`} download>
            CSV
          </a>{' '}
          ·{' '}
          <a href={`/api/sql/queries/${encodeURIComponent(q.id)}/download?format=json`} download>
            JSON
          </a>{' '}
          ·{' '}
          <a href={`/api/sql/queries/${encodeURIComponent(q.id)}/download?format=parquet`} download>
            Parquet
          </a>
        </span>
      </header>
      <div class="body flush" style="overflow-x:auto">
        {q.rowCount === 0 ? (
          <Empty title="No rows">
            <p>The query ran and returned nothing.</p>
          </Empty>
        ) : (
          <table class="resulttable">
            <thead>
              <tr>
                {q.columns.map((c) => (
                  <th class={c.numeric ? 'num' : undefined}>
                    {c.name}
                    <span class="type">{c.type.toLowerCase()}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {page.rows.map((row) => (
                <tr>
                  {row.map((v, i) => (
                    <td class={q.columns[i]?.numeric ? 'num' : undefined}>{cell(v, q.columns[i]?.numeric ?? false)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {q.rowCount > RESULT_PAGE ? (
        <div class="pager">
          <span>{page.offset > 0 ? <a href={`/sql?id=${q.id}&offset=${Math.max(0, page.offset - RESULT_PAGE)}`} hx-get={pageLink(Math.max(0, page.offset - RESULT_PAGE))} hx-target="#query-panel" hx-swap="outerHTML">« Previous</a> : <span class="muted">« Previous</span>}</span>
          <span class="muted">
            rows {formatNumber(page.offset + 1)}–{formatNumber(end)} of {formatNumber(q.rowCount)}
          </span>
          <span>{end < q.rowCount ? <a href={`/sql?id=${q.id}&offset=${end}`} hx-get={pageLink(end)} hx-target="#query-panel" hx-swap="outerHTML" id="next-rows">Next »</a> : <span class="muted">Next »</span>}</span>
        </div>
      ) : null}
    </section>
    </>
  );
}

function cell(v: Json, numeric: boolean) {
  if (v === null) return <span class="muted">NULL</span>;
  if (typeof v === 'number' && numeric) return Number.isInteger(v) ? formatNumber(v) : String(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}
