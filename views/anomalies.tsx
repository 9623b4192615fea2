import { formatDuration, formatNumber, formatUtc, timeChart } from '../src/charts/index.js';
import type { AnomalyEvent } from '../src/detect/index.js';
import { bucketWidened, DEFAULT_DETECT, eventLogsLink, settingsQuery, type AnomaliesData, type DetectSettings, type EventDetail } from '../src/serve/loaders/anomalies.js';
import { linkTo, type TimeRange } from '../src/serve/range.js';
import { Empty, Panel, SeverityBadge, Stat, Svg } from './components.js';
import { Layout } from './layout.js';

/** Events listed at most; the rest are counted. */
const SHOWN = 100;

/** The Anomalies page: the events of `logscope anomalies` with its options, each opening its chart and contributors. */
export function AnomaliesPage(props: { data: AnomaliesData; range: TimeRange; dataDir: string }) {
  const { data, range } = props;
  const s = data.settings;
  const critical = data.events.filter((e) => e.severity === 'critical').length;
  const metric = data.measures.find((m) => m.name === 'metric');
  return (
    <Layout
      title="Anomalies"
      subtitle="Buckets whose error count, volume or metric left their baseline, grouped into events (logscope anomalies)"
      active="/anomalies"
      range={range}
      keep={settingsQuery(s)}
      dataDir={props.dataDir}
    >
      <SettingsForm values={{ ...s, bucket: s.bucketAuto === true ? '' : s.bucket, direction: s.direction ?? 'both', metric: s.metric ?? '' }} autoBucket={s.bucketAuto === true ? s.bucket : undefined} range={range} />
      <div class="grid cols-4 stats">
        <Stat label="Events" value={formatNumber(data.events.length)} bad={data.events.length > 0} />
        <Stat label="Critical" value={formatNumber(critical)} bad={critical > 0} detail="|z| ≥ 2 × threshold, or after a flat history" />
        <Stat label="Flagged buckets" value={formatNumber(data.flaggedBuckets)} detail={bucketWidened(s) ? `${s.bucket} buckets, wider than ${DEFAULT_DETECT.bucket} for this long range` : `${s.bucket} buckets`} />
        <Stat label="Measures" value={metric !== undefined ? 'metric' : 'errors, volume'} detail={metric !== undefined ? metric.expression : 'errors rise; volume rises or drops'} />
      </div>
      {data.firingsPerDay.length > 1 ? (
        <div class="grid" style="margin-bottom:16px">
          <Panel title="Events per day" hint="what an alert on these settings would have sent">
            <Svg
              svg={timeChart({
                times: data.firingsPerDay.map((d) => Date.parse(`${d.day}T00:00:00Z`)),
                bucketMs: 86_400_000,
                kind: 'bars',
                series: [{ name: 'events', color: '#f59e0b', values: data.firingsPerDay.map((d) => d.firings) }],
                width: 1200,
                height: 140,
              })}
            />
          </Panel>
        </div>
      ) : null}
      <Panel title="Events" hint={data.events.length > SHOWN ? `newest ${SHOWN} of ${formatNumber(data.events.length)}; narrow the range or raise the threshold` : 'newest first · open one for its chart and what changed'} flush>
        {data.events.length === 0 ? (
          <Empty title="No anomalies in this range">
            <p>
              No {s.bucket} bucket's errors or volume passed |z| ≥ {s.threshold} against the {s.baseline} baseline.
            </p>
            <p>Try a wider range, a lower threshold, or split the series by service or host.</p>
          </Empty>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Start (UTC)</th>
                <th class="num">Duration</th>
                <th>Series</th>
                <th>Measure</th>
                <th class="num">Peak z</th>
                <th class="num">Observed</th>
                <th class="num">Expected (±sd)</th>
                <th class="num">Flagged</th>
                <th>Severity</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {data.events.slice(0, SHOWN).map((e, i) => (
                <EventRows event={e} index={i} settings={s} range={range} open={i === 0} />
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </Layout>
  );
}

/** The settings as the form shows them: what was typed, and an error next to its field. */
type FormValues = Partial<Record<'bucket' | 'by' | 'baseline' | 'threshold' | 'window' | 'metric' | 'direction', string>>;

/** `autoBucket`: the bucket chosen for the range when none was given, shown as the empty field's placeholder (a submitted form keeps choosing it). */
function SettingsForm(props: { values: FormValues; range: TimeRange; autoBucket?: string; error?: { param: string; message: string } }) {
  const v = props.values;
  const err = (param: string) => (props.error?.param === param ? <span class="field-error" role="alert">{props.error.message}</span> : null);
  return (
    <form class="toolbar" method="get" action="/anomalies">
      {Object.entries(props.range.query).map(([k, val]) => (
        <input type="hidden" name={k} value={val} />
      ))}
      <label>
        Bucket
        <input type="text" name="bucket" value={v.bucket ?? ''} placeholder={props.autoBucket} size={5} style="width:70px" aria-invalid={props.error?.param === 'bucket' ? 'true' : undefined} />
        {err('bucket')}
      </label>
      <label>
        Split by
        <input type="text" name="by" value={v.by ?? ''} list="by-fields" placeholder="all lines" style="width:120px" />
        <datalist id="by-fields">
          <option value="service"></option>
          <option value="host"></option>
          <option value="level"></option>
        </datalist>
        {err('by')}
      </label>
      <label>
        Baseline
        <select name="baseline">
          {(['auto', 'trailing', 'seasonal'] as const).map((b) => (
            <option value={b} selected={(v.baseline ?? 'auto') === b}>
              {b}
            </option>
          ))}
        </select>
        {err('baseline')}
      </label>
      <label>
        Threshold (σ)
        <input type="number" name="threshold" value={v.threshold ?? ''} step="0.5" min="0.5" />
        {err('threshold')}
      </label>
      <label>
        Window
        <input type="number" name="window" value={v.window ?? ''} min="2" />
        {err('window')}
      </label>
      <label>
        Metric (optional)
        <input type="text" name="metric" value={v.metric ?? ''} class="wide" placeholder="e.g. quantile_cont(latency_ms, 0.95)" />
        {err('metric')}
      </label>
      <label>
        Direction
        <select name="direction">
          {(['both', 'up', 'down'] as const).map((d) => (
            <option value={d} selected={(v.direction ?? 'both') === d}>
              {d}
            </option>
          ))}
        </select>
        {err('direction')}
      </label>
      <button type="submit">Apply</button>
      <a class="button secondary" href={linkTo('/anomalies', props.range)}>
        Defaults
      </a>
    </form>
  );
}

/** The Anomalies page when an option is bad (400): the form as typed, the error next to its field. */
export function AnomaliesFormPage(props: { values: FormValues; range: TimeRange; error: { param: string; message: string }; dataDir: string }) {
  return (
    <Layout title="Anomalies" subtitle="Buckets whose error count, volume or metric left their baseline, grouped into events (logscope anomalies)" active="/anomalies" range={props.range} dataDir={props.dataDir}>
      <SettingsForm values={props.values} range={props.range} error={props.error} />
      <div class="note error" role="alert">
        <strong>Cannot run the detection:</strong> <span>{`${props.error.param}: ${props.error.message}`}</span>
      </div>
    </Layout>
  );
}

function eventQuery(e: AnomalyEvent, s: DetectSettings): Record<string, string> {
  // A bucket chosen for the range goes along: the event page has no range to choose it from.
  return { ...settingsQuery(s), ...(bucketWidened(s) ? { bucket: s.bucket } : {}), series: e.series, measure: e.measure, start: e.start, end: e.end };
}

function EventRows(props: { event: AnomalyEvent; index: number; settings: DetectSettings; range: TimeRange; open: boolean }) {
  const e = props.event;
  const p = e.peak;
  const detailUrl = linkTo('/anomalies/event', props.range, eventQuery(e, props.settings));
  const id = `event-${props.index}`;
  return (
    <>
      <tr class="event-row">
        <td class="time">{formatUtc(Date.parse(e.start), false)}</td>
        <td class="num">{formatDuration(Date.parse(e.end) - Date.parse(e.start))}</td>
        <td>{e.series === '*' ? <span class="muted">all lines</span> : e.series}</td>
        <td>
          {e.measure}
          <span class="muted small"> /{props.settings.bucket}</span>
        </td>
        <td class="num">{p.z === null ? 'flat history' : p.z.toFixed(1)}</td>
        <td class="num">{p.observed === null ? '–' : formatNumber(p.observed)}</td>
        <td class="num">
          {p.expected === null ? '–' : formatNumber(p.expected)}
          <span class="muted"> ±{p.stddev === null ? '–' : formatNumber(p.stddev)}</span>
        </td>
        <td class="num">{formatNumber(e.buckets)}</td>
        <td>
          <SeverityBadge severity={e.severity} />
        </td>
        <td class="num" style="white-space:nowrap">
          <a href={detailUrl} hx-get={detailUrl} hx-target={`#${id} > td`} hx-swap="innerHTML">
            Details
          </a>
          {' · '}
          <a href={eventLogsLink(props.settings.by, e)}>Lines →</a>
        </td>
      </tr>
      <tr class="event-detail" id={id}>
        {props.open ? <td colspan={10} hx-get={detailUrl} hx-trigger="load" hx-swap="innerHTML"></td> : <td colspan={10}></td>}
      </tr>
    </>
  );
}

/** One event's chart and contributors: the htmx fragment, and the body of its own page. */
export function EventDetailView(props: { detail: EventDetail }) {
  const d = props.detail;
  const what = d.measure === 'errors' ? 'error lines' : d.measure === 'volume' ? 'lines' : 'metric';
  const title = `${d.measure} of ${d.series === '*' ? 'all lines' : d.series} per ${d.settings.bucket}`;
  return (
    <div class="event-panel">
      <div>
        <h3>
          {title} <span class="muted small">· {formatUtc(Date.parse(d.start), false)} → {formatUtc(Date.parse(d.end))}</span>
        </h3>
        <Svg
          svg={timeChart({
            times: d.times,
            bucketMs: d.bucketMs,
            kind: 'line',
            series: [{ name: d.measure, color: d.measure === 'errors' ? '#dc2626' : '#3b82f6', values: d.observed }],
            expected: d.expected,
            expectedLabel: 'expected',
            flagged: d.flagged,
            width: 760,
            height: 220,
            yLabel: `${what} / ${d.settings.bucket}`,
            emptyText: 'No buckets around this event',
          })}
        />
        <p class="small">
          <a href={eventLogsLink(d.settings.by, d)}>Show the {what === 'metric' ? 'lines' : what} of this event →</a>
        </p>
      </div>
      <div>
        <h3>What changed</h3>
        {d.explanation.length === 0 ? (
          <p class="muted small">No contributor stands out.</p>
        ) : (
          <table class="contrib">
            <thead>
              <tr>
                <th></th>
                <th>Value</th>
                <th class="num">Before</th>
                <th class="num">During</th>
                <th class="num">Change</th>
              </tr>
            </thead>
            <tbody>
              {d.explanation.map((c) => (
                <tr>
                  <td class="muted small">{c.dimension}</td>
                  <td class="text">
                    <span class="clip" title={c.value}>
                      {c.value}
                    </span>
                  </td>
                  <td class="num">{c.before === null ? (d.measure === 'metric' ? '–' : '0') : formatNumber(c.before)}</td>
                  <td class="num">{c.during === null ? (d.measure === 'metric' ? '–' : '0') : formatNumber(c.during)}</td>
                  <td class={`num change ${c.change > 0 ? 'up' : c.change < 0 ? 'down' : ''}`}>{c.change > 0 ? `+${formatNumber(c.change)}` : formatNumber(c.change)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p class="muted small">During: over the event. Before: the {d.settings.window} buckets before it, scaled to the event's length.</p>
      </div>
    </div>
  );
}

/** The event's own page (without htmx). */
export function EventPage(props: { detail: EventDetail; range: TimeRange; dataDir: string }) {
  return (
    <Layout title="Anomaly" subtitle={<a href={linkTo('/anomalies', props.range, settingsQuery(props.detail.settings))}>← All anomalies</a>} active="/anomalies" dataDir={props.dataDir}>
      <section class="panel">
        <EventDetailView detail={props.detail} />
      </section>
    </Layout>
  );
}
