import { formatBytes, formatDay, formatDuration, formatNumber, formatPercent, formatUtc, LEVEL_ORDER, timeChart } from '../src/charts/index.js';
import { eventLogsLink } from '../src/serve/loaders/anomalies.js';
import type { WatchProgressState } from '../src/ingest/index.js';
import type { OverviewBase, OverviewEvents, SeriesErrors } from '../src/serve/loaders/overview.js';
import { linkTo, type TimeRange } from '../src/serve/range.js';
import { Empty, n, Panel, pct, SeverityBadge, Stat, Svg } from './components.js';
import { WatchProgressView } from './jobs.js';
import { Layout } from './layout.js';

/**
 * The overview: volume and error rate, where the errors are, the latest anomalies, new patterns,
 * the store. Without `events` (their detection not done yet), the anomaly stat and panel load
 * apart, through htmx, from `/overview/anomalies` ({@link OverviewAnomalies}).
 */
export function OverviewPage(props: { data: OverviewBase; events?: OverviewEvents; range: TimeRange; dataDir: string; version?: string; watching?: WatchProgressState[]; now?: number }) {
  const { data, range } = props;
  const v = data.volume;
  const levels = LEVEL_ORDER.filter((l) => v.levels[l] !== undefined);
  const rate = data.totals.lines === 0 ? null : data.totals.errors / data.totals.lines;
  const span = data.store.span;
  return (
    <Layout title="Overview" subtitle="Volume, errors and what changed in the selected range" active="/" range={range} dataDir={props.dataDir}>
      {props.version !== undefined ? <LiveStrip watching={props.watching ?? []} now={props.now ?? Date.now()} version={props.version} drawnAt={props.now ?? Date.now()} /> : null}
      <div class="grid cols-4 stats">
        <Stat label="Lines" value={formatNumber(data.totals.lines)} detail={`${formatNumber(data.totals.warnings)} warnings`} />
        <Stat label="Error lines" value={formatNumber(data.totals.errors)} bad={data.totals.errors > 0} detail={rate === null ? 'no lines in range' : `${formatPercent(rate)} of lines`} />
        <AnomalyStat events={props.events} range={range} />
        <Stat
          label="Store"
          value={formatBytes(data.store.bytesOnDisk)}
          detail={span === null ? 'no records yet' : `${formatNumber(span.rows)} records · ${formatDay(span.min)} – ${formatDay(span.max)} (${formatDuration(span.max - span.min)})`}
        />
      </div>
      <div class="grid">
        <Panel title="Volume by level" hint={`lines per ${range.bucket}`}>
          <Svg
            svg={timeChart({
              times: v.times,
              bucketMs: v.bucketMs,
              kind: 'bars',
              stacked: true,
              series: levels.map((l) => ({ name: l, values: v.levels[l] })),
              width: 1200,
              height: 260,
              yLabel: `lines / ${range.bucket}`,
              partialFrom: v.partialFrom ?? undefined,
              emptyText: 'No lines in this range',
            })}
          />
        </Panel>
        <Panel title="Error rate" hint="ERROR + FATAL lines / all lines">
          <Svg
            svg={timeChart({
              times: data.totals.lines === 0 ? [] : v.times,
              bucketMs: v.bucketMs,
              kind: 'line',
              yFormat: 'percent',
              series: [{ name: 'error rate', color: '#dc2626', values: v.errorRate }],
              width: 1200,
              height: 170,
              partialFrom: v.partialFrom ?? undefined,
              emptyText: 'No lines in this range',
            })}
          />
        </Panel>
        <div class="grid cols-2">
          <Panel title="Top services by errors" flush>
            <SeriesTable rows={data.topServices} label="service" range={range} field="service" />
          </Panel>
          <Panel title="Top hosts by errors" flush>
            <SeriesTable rows={data.topHosts} label="host" range={range} field="host" />
          </Panel>
        </div>
        <div class="grid cols-2">
          <AnomalyPanel events={props.events} range={range} />
          <Panel title="New patterns" hint={<a href={linkTo('/patterns', range, { new: '1' })}>All new patterns →</a>} flush>
            {data.newPatterns.length === 0 ? (
              data.newPatternsComparable ? (
                <Empty title="No new patterns in this range">
                  <p>Every message template seen here was seen before the range began.</p>
                </Empty>
              ) : (
                <Empty title="Nothing to compare with">
                  <p>This range starts with the store's first record, so no pattern can be new in it. Pick a later range.</p>
                </Empty>
              )
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>First seen (UTC)</th>
                    <th class="num">Lines</th>
                    <th>Pattern</th>
                  </tr>
                </thead>
                <tbody>
                  {data.newPatterns.map((p) => (
                    <tr>
                      <td class="time">{formatUtc(Date.parse(p.first_seen), false)}</td>
                      <td class="num">{formatNumber(p.count)}</td>
                      <td class="text">
                        <a class="clip" href={linkTo('/logs', range, { template: String(p.id) })} title={p.text}>
                          {p.text}
                        </a>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Panel>
        </div>
      </div>
      <p class="foot muted small">
        {data.store.sources} sources · {formatNumber(data.store.linesRead)} lines read ({formatNumber(data.store.unparsed)} unparsed) · {formatNumber(data.store.templates)} patterns · {formatNumber(data.store.batches)} batches
        {data.store.lastCommit !== null ? ` · last ingest ${formatUtc(data.store.lastCommit)}` : ''}
      </p>
    </Layout>
  );
}

function SeriesTable(props: { rows: SeriesErrors[]; label: string; range: TimeRange; field: 'service' | 'host' }) {
  if (props.rows.length === 0) return <Empty title={`No ${props.label}s in this range`} />;
  const max = Math.max(...props.rows.map((r) => r.errors), 1);
  return (
    <table>
      <thead>
        <tr>
          <th>{props.label}</th>
          <th class="num">Lines</th>
          <th class="num">Errors</th>
          <th class="num">Error rate</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr>
            <td>
              {r.series === '(none)' ? (
                <span class="muted">(none)</span>
              ) : (
                <a href={linkTo('/logs', props.range, { [props.field]: r.series, level: 'ERROR,FATAL' })}>{r.series}</a>
              )}
            </td>
            <td class="num">{n(r.total)}</td>
            <td class="num">
              <span class="bar-cell">
                {n(r.errors)}
                <span class="minibar">
                  <span style={`width:${((r.errors / max) * 100).toFixed(1)}%`}></span>
                </span>
              </span>
            </td>
            <td class="num">{pct(r.errorRate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The overview's live strip: the watchers following files into the store (rate, lag, last
 * batch). Polls `GET /overview/live` every 2 s and replaces itself; when the store changed since
 * `version` (the page was drawn at `drawnAt`), `reload` (the page's URL) brings the page's
 * content up to date in place.
 */
export function LiveStrip(props: { watching: WatchProgressState[]; now: number; version: string; drawnAt: number; reload?: string }) {
  return (
    <section id="live" hx-get={`/overview/live?v=${encodeURIComponent(props.version)}&t=${props.drawnAt}`} hx-trigger="every 2s" hx-swap="outerHTML">
      {props.watching.map((w) => (
        <WatchProgressView run={w} now={props.now} compact />
      ))}
      {props.reload !== undefined ? <div hx-get={props.reload} hx-trigger="load" hx-select="main" hx-target="main" hx-swap="outerHTML"></div> : null}
    </section>
  );
}

/** The overview's anomaly panel and (out of band) its stat: the htmx fragment of `/overview/anomalies`. */
export function OverviewAnomalies(props: { events: OverviewEvents; range: TimeRange }) {
  return (
    <>
      <AnomalyPanel events={props.events} range={props.range} />
      <AnomalyStat events={props.events} range={props.range} oob />
    </>
  );
}

function AnomalyStat(props: { events?: OverviewEvents; range: TimeRange; oob?: boolean }) {
  const { events, range } = props;
  return (
    <div id="overview-anomaly-stat" class="stat-slot" hx-swap-oob={props.oob ? 'true' : undefined}>
      {events === undefined ? (
        <Stat label="Anomaly events" value="…" detail={<a href={linkTo('/anomalies', range)}>detecting…</a>} />
      ) : (
        <Stat
          label="Anomaly events"
          value={formatNumber(events.eventCount)}
          bad={events.events.some((e) => e.severity === 'critical')}
          detail={<a href={linkTo('/anomalies', range)}>{events.eventCount === 0 ? 'none at default settings' : 'open the anomalies'}</a>}
        />
      )}
    </div>
  );
}

function AnomalyPanel(props: { events?: OverviewEvents; range: TimeRange }) {
  const { events, range } = props;
  if (events === undefined) {
    // Detection is the overview's slowest query: the rest of the page does not wait for it.
    const url = linkTo('/overview/anomalies', range);
    return (
      <section class="panel" id="overview-anomalies" hx-get={url} hx-trigger="load" hx-swap="outerHTML">
        <header>
          <h2>Latest anomaly events</h2>
          <span class="hint">
            <a href={linkTo('/anomalies', range)}>All anomalies →</a>
          </span>
        </header>
        <div class="body">
          <p class="muted loading">Detecting anomalies in this range…</p>
        </div>
      </section>
    );
  }
  return (
    <Panel id="overview-anomalies" title="Latest anomaly events" hint={<a href={linkTo('/anomalies', range)}>All anomalies →</a>} flush>
      {events.events.length === 0 ? (
        <Empty title="No anomalies in this range">
          <p>Errors and volume stayed within their usual range (1-minute buckets, threshold 3σ).</p>
        </Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Start (UTC)</th>
              <th>Series</th>
              <th>Measure</th>
              <th class="num">Peak z</th>
              <th>Severity</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {events.events.map((e) => (
              <tr>
                <td class="time">{formatUtc(Date.parse(e.start), false)}</td>
                <td>{e.series === '*' ? <span class="muted">all lines</span> : e.series}</td>
                <td>{e.measure}</td>
                <td class="num">{e.peak.z === null ? 'flat' : e.peak.z.toFixed(1)}</td>
                <td>
                  <SeverityBadge severity={e.severity} />
                </td>
                <td class="num">
                  <a href={eventLogsLink('', e)}>Lines →</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
