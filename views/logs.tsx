import { formatNumber, formatUtc } from '../src/charts/index.js';
import type { LogContextData, LogsData } from '../src/serve/loaders/logs.js';
import { linkTo, type TimeRange } from '../src/serve/range.js';
import { Empty, LevelBadge, Panel } from './components.js';
import { Layout } from './layout.js';
import { PageStyles } from './page-styles.js';

const LEVELS = ['FATAL', 'ERROR', 'WARN', 'NOTICE', 'INFO', 'DEBUG', 'TRACE'];

/** `/var/log/app.log:120`, shortened from the left for the cell (the whole path in the title). */
function where(source: string, line: number): string {
  return `${source}:${line}`;
}

/** The page's filter parameters, to keep in links. */
export function logFilterQuery(data: LogsData): Record<string, string | undefined> {
  const f = data.filters;
  return {
    level: f.levels.join(',') || undefined,
    service: f.service || undefined,
    host: f.host || undefined,
    template: f.template === null ? undefined : String(f.template),
    q: f.q || undefined,
    re: f.re || undefined,
    ...(f.attr !== null ? { [`attr.${f.attr.key}`]: f.attr.value } : {}),
    limit: data.limit !== 50 ? String(data.limit) : undefined,
  };
}

/** The Logs page: search and browse the range's lines, newest first, a page at a time. */
export function LogsPage(props: { data: LogsData; range: TimeRange; dataDir: string }) {
  const { data, range } = props;
  const f = data.filters;
  const keep = logFilterQuery(data);
  const first = data.lines[0];
  const last = data.lines.at(-1);
  return (
    <Layout title="Logs" subtitle="Every stored line of the range, newest first: filter by level, service, host, pattern, text or regular expression" active="/logs" range={range} keep={keep} dataDir={props.dataDir}>
      <PageStyles />
      <form class="toolbar" method="get" action="/logs">
        {Object.entries(range.query).map(([k, v]) => (
          <input type="hidden" name={k} value={v} />
        ))}
        {f.template !== null ? <input type="hidden" name="template" value={String(f.template)} /> : null}
        {f.attr !== null ? <input type="hidden" name={`attr.${f.attr.key}`} value={f.attr.value} /> : null}
        <label>
          Level
          <select name="level">
            <option value="">any</option>
            <option value="ERROR,FATAL" selected={f.levels.join(',') === 'ERROR,FATAL'}>
              ERROR + FATAL
            </option>
            {LEVELS.map((l) => (
              <option value={l} selected={f.levels.length === 1 && f.levels[0] === l}>
                {l}
              </option>
            ))}
            {f.levels.length > 1 && f.levels.join(',') !== 'ERROR,FATAL' ? (
              <option value={f.levels.join(',')} selected>
                {f.levels.join(' + ')}
              </option>
            ) : null}
          </select>
        </label>
        <label>
          Service
          <input type="text" name="service" value={f.service} placeholder="any" />
        </label>
        <label>
          Host
          <input type="text" name="host" value={f.host} placeholder="any" />
        </label>
        <label>
          Message contains
          <input type="text" class="wide" name="q" value={f.q} placeholder="text, any case" />
        </label>
        <label>
          Regular expression
          <input type="text" name="re" value={f.re} placeholder="e.g. timed? out" />
        </label>
        <button type="submit">Search</button>
        <a class="button secondary" href={linkTo('/logs', range)}>
          Clear
        </a>
      </form>
      {f.template !== null || f.attr !== null ? (
        <div class="chips">
          {f.template !== null ? (
            <span class="chip">
              pattern #{String(f.template)}
              <a href={linkTo('/logs', range, { ...keep, template: undefined })} title="remove this filter">
                ×
              </a>
            </span>
          ) : null}
          {f.attr !== null ? (
            <span class="chip">
              {f.attr.key} = {f.attr.value}
              <a href={linkTo('/logs', range, { ...keep, [`attr.${f.attr.key}`]: undefined })} title="remove this filter">
                ×
              </a>
            </span>
          ) : null}
        </div>
      ) : null}
      <Panel
        title={`Page ${formatNumber(data.page)}`}
        hint={first !== undefined && last !== undefined ? `${formatNumber(data.lines.length)} lines · ${formatUtc(Date.parse(first.ts), false)} back to ${formatUtc(Date.parse(last.ts))}` : undefined}
        flush
      >
        {data.lines.length === 0 ? (
          <Empty title={data.page > 1 ? 'No older lines' : 'No lines match'}>
            <p>{data.page > 1 ? 'This was the last page of the range.' : 'Nothing in this range matches these filters. Widen the time range, or clear a filter.'}</p>
          </Empty>
        ) : (
          <table class="logtable">
            <thead>
              <tr>
                <th>Time (UTC)</th>
                <th>Level</th>
                <th>Host / service</th>
                <th>Message</th>
                <th>Source:line</th>
              </tr>
            </thead>
            <tbody>
              {data.lines.map((l) => (
                <tr>
                  <td class="time">{l.ts.replace('T', ' ').replace('Z', '')}</td>
                  <td>
                    <LevelBadge level={l.level} />
                  </td>
                  <td class="who">
                    {l.host ?? '–'}
                    <br />
                    <span class="muted">{l.service ?? '–'}</span>
                  </td>
                  <td class="msg">{l.message}</td>
                  <td class="where" title={`${where(l.source, l.line)} · open the lines around it`}>
                    <a href={linkTo('/logs/context', range, { source: l.source, line: l.line })}>
                      <bdi>{where(l.source, l.line)}</bdi>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div class="pager">
          <span>{data.page > 1 ? <a href={linkTo('/logs', range, keep)}>« Newest</a> : <span class="muted">Newest lines first</span>}</span>
          <span class="muted">
            page {formatNumber(data.page)} · {formatNumber(data.limit)} per page
          </span>
          <span>
            {data.next !== null ? (
              <a rel="next" href={linkTo('/logs', range, { ...keep, after: data.next, page: data.page + 1 })}>
                Older »
              </a>
            ) : (
              <span class="muted">End of range</span>
            )}
          </span>
        </div>
      </Panel>
    </Layout>
  );
}

/** The lines of one source around one line; the line itself highlighted. */
export function LogContextPage(props: { data: LogContextData; range: TimeRange; dataDir: string }) {
  const { data, range } = props;
  const wider = Math.min(500, data.around * 5);
  return (
    <Layout title="Lines around" subtitle={<span class="mono">{where(data.source, data.line)}</span>} active="/logs" dataDir={props.dataDir}>
      <PageStyles />
      <p>
        <a href={linkTo('/logs', range)}>« Back to the logs</a>
        {data.around < 500 ? (
          <span class="muted">
            {' '}
            · <a href={linkTo('/logs/context', range, { source: data.source, line: data.line, around: wider })}>show {wider} lines either side</a>
          </span>
        ) : null}
      </p>
      <Panel title={`${formatNumber(data.around)} lines either side of line ${formatNumber(data.line)}`} hint="unparsed lines shown raw, with why" flush>
        {data.lines.length === 0 ? (
          <Empty title="No such line">
            <p>The store holds no line {formatNumber(data.line)} of this source. It may have been re-ingested or forgotten.</p>
          </Empty>
        ) : (
          <table class="logtable">
            <thead>
              <tr>
                <th class="num">Line</th>
                <th>Time (UTC)</th>
                <th>Level</th>
                <th>Host / service</th>
                <th>Message</th>
              </tr>
            </thead>
            <tbody>
              {data.lines.map((l) => (
                <tr class={[l.line === data.line ? 'target' : '', l.unparsed ? 'unparsed' : ''].join(' ').trim() || undefined} id={`line-${l.line}`}>
                  <td class="num lineno">{formatNumber(l.line)}</td>
                  <td class="time">{l.ts === null ? '–' : l.ts.replace('T', ' ').replace('Z', '')}</td>
                  <td>{l.unparsed ? <span class="badge warning" title={l.reason ?? ''}>unparsed</span> : <LevelBadge level={l.level} />}</td>
                  <td class="who">
                    {l.host ?? '–'}
                    <br />
                    <span class="muted">{l.service ?? '–'}</span>
                  </td>
                  <td class="msg">{l.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </Layout>
  );
}
