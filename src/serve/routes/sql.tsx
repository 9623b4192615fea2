import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { QueryError } from '../../errors.js';
import { QueryResult, RESULT_PAGE, SqlPage } from '../../../views/sql.js';
import { createSqlConsole, type SqlConsole, type SqlConsoleOptions } from '../console.js';
import type { ServeContext } from '../context.js';
import { checkParams, parseParams, ParamError } from '../params.js';
import { isFragment } from './shared.js';

/** Options of the console behind the SQL page (the time limit and row cap; tests lower them). */
export type SqlRoutesOptions = Omit<SqlConsoleOptions, 'dataDir'>;

const DEFAULT_TIME_LIMIT_MS = 60_000;
const DEFAULT_ROW_CAP = 10_000;

const pageParams = z
  .object({
    id: z.string().uuid('must be the id of a query').optional(),
    offset: z.coerce.number({ message: 'must be a row number' }).int().min(0).optional(),
    sql: z.string().max(100_000).optional(),
    example: z.string().optional(),
  })
  .strict();
const rowsParams = z
  .object({
    offset: z.coerce.number({ message: 'must be a row number' }).int().min(0).default(0),
    limit: z.coerce.number({ message: 'must be a whole number' }).int().min(1).max(10_000).default(RESULT_PAGE),
  })
  .strict();
const downloadParams = z.object({ format: z.enum(['csv', 'json', 'parquet'], { message: 'must be csv, json or parquet' }) }).strict();
const runBody = z.object({ sql: z.string({ message: 'is required: the SQL text' }).max(100_000, 'is too long (100,000 characters at most)') }).strict();

/**
 * The SQL console: `GET /sql` (the page), `POST /sql/run` (start a query from the form),
 * `GET /sql/q/:id` (its panel, polled by htmx while it runs), `POST /sql/q/:id/cancel`; and the
 * JSON API under `/api/sql/`: `POST queries` `{ sql }`, `GET queries/:id`, `GET queries/:id/rows`,
 * `POST queries/:id/cancel`, `GET queries/:id/download?format=csv|json|parquet`, `GET history`,
 * `GET examples`. Returns the console (to close with the server).
 */
export function registerSqlRoutes(app: Hono, ctx: ServeContext, options: SqlRoutesOptions = {}): SqlConsole {
  const timeLimitMs = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const rowCap = options.rowCap ?? DEFAULT_ROW_CAP;
  const sqlConsole = createSqlConsole({ ...options, dataDir: ctx.dataDir, timeLimitMs, rowCap });
  const pageProps = { dataDir: ctx.dataDir, rowCap, timeLimitMs };

  const known = (c: Context) => {
    const id = c.req.param('id') ?? '';
    const state = sqlConsole.get(id);
    if (state === undefined) throw new ParamError('id', `no query ${id} (the server keeps the last 20 results)`);
    return state;
  };

  app.get('/sql', (c) => {
    const p = parseParams(c, pageParams);
    const examples = sqlConsole.examples();
    const query = p.id !== undefined ? sqlConsole.get(p.id) : undefined;
    if (p.id !== undefined && query === undefined) throw new ParamError('id', `no query ${p.id} (the server keeps the last 20 results)`);
    const example = p.example !== undefined ? examples.find((e) => e.name === p.example) : undefined;
    if (p.example !== undefined && example === undefined) throw new ParamError('example', `no file sql/${p.example}.sql (there are ${examples.map((e) => e.name).join(', ')})`);
    const sql = query?.sql ?? example?.sql ?? p.sql ?? sqlConsole.history()[0]?.sql ?? 'SELECT level, count(*) AS lines\nFROM logs\nGROUP BY ALL\nORDER BY lines DESC';
    const page = query !== undefined ? sqlConsole.page(query.id, p.offset ?? 0, RESULT_PAGE) : undefined;
    return c.html(<SqlPage sql={sql} examples={examples} history={sqlConsole.history()} query={query} page={page} {...pageProps} />);
  });

  app.post('/sql/run', async (c) => {
    const form = await c.req.parseBody();
    const { sql } = checkParams({ sql: typeof form.sql === 'string' ? form.sql : undefined }, runBody);
    try {
      const state = await sqlConsole.start(sql);
      if (isFragment(c)) return c.html(<QueryResult query={state} />);
      return c.redirect(`/sql?id=${state.id}`, 303);
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      // htmx swaps only 2xx answers: the refusal comes back as the panel's content.
      if (isFragment(c)) return c.html(<QueryResult query={refused(sql, err.message)} />);
      return c.html(<SqlPage sql={sql} examples={sqlConsole.examples()} history={sqlConsole.history()} error={err.message} {...pageProps} />, 400);
    }
  });

  app.get('/sql/q/:id', (c) => {
    const state = known(c);
    const { offset } = parseParams(c, rowsParams);
    const page = sqlConsole.page(state.id, offset, RESULT_PAGE);
    // The history joins in once the query has ended (the poll that sees it end).
    if (isFragment(c)) return c.html(<QueryResult query={state} page={page} history={state.status !== 'running' ? sqlConsole.history() : undefined} />);
    return c.redirect(`/sql?id=${state.id}&offset=${offset}`, 303);
  });

  app.post('/sql/q/:id/cancel', async (c) => {
    const state = known(c);
    sqlConsole.cancel(state.id);
    const ended = (await sqlConsole.wait(state.id)) ?? state;
    if (isFragment(c)) return c.html(<QueryResult query={ended} history={sqlConsole.history()} />);
    return c.redirect(`/sql?id=${state.id}`, 303);
  });

  app.post('/api/sql/queries', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new ParamError('sql', 'send a JSON body { "sql": "SELECT ..." }');
    }
    const { sql } = checkParams((body ?? {}) as Record<string, unknown>, runBody);
    try {
      return c.json(await sqlConsole.start(sql), 202);
    } catch (err) {
      if (err instanceof QueryError) return c.json({ error: err.message, param: 'sql' }, 400);
      throw err;
    }
  });
  app.get('/api/sql/queries/:id', (c) => c.json(known(c)));
  app.get('/api/sql/queries/:id/rows', (c) => {
    const state = known(c);
    const { offset, limit } = parseParams(c, rowsParams);
    return c.json({ columns: state.columns, ...sqlConsole.page(state.id, offset, limit) });
  });
  app.post('/api/sql/queries/:id/cancel', async (c) => {
    const state = known(c);
    const cancelled = sqlConsole.cancel(state.id);
    return c.json({ cancelled, query: (await sqlConsole.wait(state.id)) ?? state });
  });
  app.get('/api/sql/queries/:id/download', async (c) => {
    const state = known(c);
    const { format } = parseParams(c, downloadParams);
    const file = await sqlConsole.download(state.id, format);
    if (file === undefined) throw new ParamError('id', `query ${state.id} is ${state.status}: only a finished query's rows can be downloaded`);
    return c.body(new Uint8Array(file.body), 200, { 'Content-Type': file.contentType, 'Content-Disposition': `attachment; filename="${file.filename}"` });
  });
  app.get('/api/sql/history', (c) => c.json(sqlConsole.history()));
  app.get('/api/sql/examples', (c) => c.json(sqlConsole.examples()));
  return sqlConsole;
}

/** A refused statement shown as a failed query (for htmx, which swaps only 2xx answers). */
function refused(sql: string, message: string) {
  const now = new Date().toISOString();
  return { id: 'refused', sql, status: 'failed' as const, startedAt: now, endedAt: now, elapsedMs: 0, progress: null, rowsProcessed: 0, totalRows: 0, columns: [], rowCount: 0, truncated: false, rowCap: 0, error: message };
}
