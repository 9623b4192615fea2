import { formatNumber, formatUtc, sparkline } from '../src/charts/index.js';
import type { PatternsData } from '../src/serve/loaders/patterns.js';
import { linkTo, type TimeRange } from '../src/serve/range.js';
import { Empty, LevelMix, Panel, Stat, Svg } from './components.js';
import { Layout } from './layout.js';

const LEVELS = ['', 'FATAL', 'ERROR', 'WARN', 'NOTICE', 'INFO', 'DEBUG', 'TRACE'];

/** The Patterns page: the templates of the range, with their trend; new ones highlighted. */
export function PatternsPage(props: { data: PatternsData; range: TimeRange; dataDir: string; limit?: number }) {
  const { data, range } = props;
  const keep = { level: data.level || undefined, new: data.onlyNew ? '1' : undefined, limit: props.limit !== undefined ? String(props.limit) : undefined };
  return (
    <Layout title="Patterns" subtitle="Message templates mined at ingest: how often each occurred in the range, and which are new" active="/patterns" range={range} keep={keep} dataDir={props.dataDir}>
      <form class="toolbar" method="get" action="/patterns">
        {Object.entries(range.query).map(([k, v]) => (
          <input type="hidden" name={k} value={v} />
        ))}
        <label>
          Level
          <select name="level">
            {LEVELS.map((l) => (
              <option value={l} selected={data.level === l}>
                {l === '' ? 'any' : l}
              </option>
            ))}
          </select>
        </label>
        <label style="display:flex;align-items:center;gap:6px;padding-bottom:6px">
          <input type="checkbox" name="new" value="1" checked={data.onlyNew} /> only new in this range
        </label>
        <button type="submit">Apply</button>
      </form>
      <div class="grid cols-4 stats">
        <Stat label="Patterns in range" value={formatNumber(data.activeTemplates)} />
        <Stat label="New in range" value={data.comparable ? formatNumber(data.newCount) : '–'} detail={data.comparable ? 'first seen after the range began' : 'the range starts with the store: nothing to compare with'} />
        <Stat label="Shown" value={formatNumber(data.matching)} detail={data.matching > data.perPage ? `most lines first · ${formatNumber(data.perPage)} a page` : 'most lines first'} />
        <Stat label="Trend buckets" value={range.bucket} detail={`${formatNumber(data.times.length)} per sparkline`} />
      </div>
      <Panel title="Patterns" hint="click one for its lines · new ones are marked" flush>
        {data.patterns.length === 0 && data.page > 1 ? (
          <Empty title={`No page ${formatNumber(data.page)}`}>
            <p>
              The range has {formatNumber(data.matching)} matching patterns, {formatNumber(data.perPage)} a page. <a href={linkTo('/patterns', range, { ...keep, page: undefined })}>Go to the first page</a>
            </p>
          </Empty>
        ) : data.patterns.length === 0 ? (
          <Empty title={data.onlyNew ? 'No new patterns in this range' : 'No patterns in this range'}>
            <p>{data.onlyNew ? 'Every template with lines here was seen before the range began.' : 'No line of this range has a mined template. Pick a wider range, or ingest with template mining on (the default).'}</p>
          </Empty>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Pattern</th>
                <th class="num">Lines in range</th>
                <th class="num">All lines</th>
                <th>Levels</th>
                <th>Trend</th>
                <th>First seen (UTC)</th>
                <th>Last seen (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {data.patterns.map((p) => (
                <tr class={p.isNew ? 'new' : undefined}>
                  <td class="text">
                    <a class="clip" href={linkTo('/logs', range, { template: String(p.id) })} title={`${p.text}\n\nfirst line: ${p.example}\n(${p.example_source}:${p.example_line})`}>
                      {p.isNew ? <span class="badge new">new</span> : null} {p.text}
                    </a>
                  </td>
                  <td class="num">{formatNumber(p.inRange)}</td>
                  <td class="num">{formatNumber(p.count)}</td>
                  <td>
                    <LevelMix levels={p.levels} />
                  </td>
                  <td>
                    <Svg svg={sparkline(p.trend, { width: 120, height: 26, color: (p.levels.ERROR ?? 0) + (p.levels.FATAL ?? 0) > 0 ? '#dc2626' : '#3b82f6', title: `lines per ${range.bucket}` })} inline />
                  </td>
                  <td class="time">{formatUtc(Date.parse(p.first_seen), false)}</td>
                  <td class="time">{formatUtc(Date.parse(p.last_seen), false)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {data.matching > data.perPage ? <PatternPager data={data} range={range} keep={keep} /> : null}
      </Panel>
    </Layout>
  );
}

/** Previous and next pages of the patterns, and where this page is among them. */
function PatternPager(props: { data: PatternsData; range: TimeRange; keep: Record<string, string | undefined> }) {
  const { data, range, keep } = props;
  const pages = Math.max(Math.ceil(data.matching / data.perPage), 1);
  const first = (data.page - 1) * data.perPage + 1;
  const last = Math.min(data.page * data.perPage, data.matching);
  return (
    <div class="pager">
      <span>
        {data.page > 1 ? (
          <a rel="prev" href={linkTo('/patterns', range, { ...keep, page: data.page > 2 ? data.page - 1 : undefined })}>
            « Previous
          </a>
        ) : (
          <span class="muted">« Previous</span>
        )}
      </span>
      <span class="muted">
        {first <= last ? `${formatNumber(first)}–${formatNumber(last)} of ${formatNumber(data.matching)}` : `of ${formatNumber(data.matching)}`} · page {formatNumber(data.page)} of {formatNumber(pages)}
      </span>
      <span>
        {data.page < pages ? (
          <a rel="next" href={linkTo('/patterns', range, { ...keep, page: data.page + 1 })}>
            Next »
          </a>
        ) : (
          <span class="muted">Next »</span>
        )}
      </span>
    </div>
  );
}
