import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { formatUtc } from '../src/charts/index.js';
import { linkTo, RANGE_LABELS, type RangeKey, type TimeRange } from '../src/serve/range.js';

/** The pages of the nav, in order. */
export const NAV = [
  { path: '/', label: 'Overview' },
  { path: '/anomalies', label: 'Anomalies' },
  { path: '/logs', label: 'Logs' },
  { path: '/patterns', label: 'Patterns' },
  { path: '/sql', label: 'SQL' },
  { path: '/jobs', label: 'Jobs' },
] as const;

/** What every page passes to {@link Layout}. */
export interface LayoutProps {
  /** The page's title (also the document title). */
  title: string;
  /** Under the title: what the page shows. */
  subtitle?: Child;
  /** The nav entry to highlight: one of NAV's paths. */
  active: string;
  /** The shared time range; without it no picker is shown. */
  range?: TimeRange;
  /** The page's own URL parameters, kept when the range changes (e.g. `bucket`, `by`). */
  keep?: Record<string, string | undefined>;
  /** The data directory, shown in the top bar. */
  dataDir?: string;
  /** A problem to show above the content (a bad parameter: 400). */
  error?: string;
  children?: Child;
}

/**
 * The page wrapper: top bar with the nav, the page head with the time-range picker, the
 * range note (data ending before now), an error box, then the content. Pages render into it;
 * their htmx fragments render without it.
 *
 * @example
 * c.html(<Layout title="Logs" active="/logs" range={range} keep={{ level }}>...</Layout>)
 */
export function Layout(props: LayoutProps) {
  return (
    <>
    {raw('<!DOCTYPE html>')}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · logscope`}</title>
        <link rel="stylesheet" href="/static/style.css" />
        <script src="/static/htmx.min.js" defer></script>
        <script src="/static/app.js" defer></script>
      </head>
      <body>
        <header class="topbar">
          <a class="brand" href={props.range ? linkTo('/', props.range) : '/'}>
            <span class="brand-mark"></span>logscope
          </a>
          <nav class="nav">
            {NAV.map((item) => (
              <a href={props.range && !['/sql', '/jobs'].includes(item.path) ? linkTo(item.path, props.range) : item.path} class={item.path === props.active ? 'active' : undefined}>
                {item.label}
              </a>
            ))}
          </nav>
          {props.dataDir !== undefined ? <span class="store" title={props.dataDir}>{props.dataDir}</span> : null}
        </header>
        <div class="pagehead">
          <div>
            <h1>{props.title}</h1>
            {props.subtitle !== undefined ? <div class="sub">{props.subtitle}</div> : null}
          </div>
          {props.range !== undefined ? <RangePicker range={props.range} path={props.active} keep={props.keep ?? {}} /> : null}
        </div>
        <main>
          {props.range?.note !== undefined ? (
            <div class="note" role="status">
              <strong>Old data.</strong> <span>{props.range.note}</span>
            </div>
          ) : null}
          {props.error !== undefined ? (
            <div class="note error" role="alert">
              <strong>Cannot show this page:</strong> <span>{props.error}</span>
            </div>
          ) : null}
          {props.children}
        </main>
      </body>
    </html>
    </>
  );
}

/**
 * The shared time-range picker: presets as links (bookmarkable URLs), and a custom from/to
 * form in a popover. The page's own parameters are kept.
 */
export function RangePicker(props: { range: TimeRange; path: string; keep: Record<string, string | undefined> }) {
  const { range } = props;
  const presets: RangeKey[] = ['1h', '24h', '7d', 'all'];
  const keep = Object.fromEntries(Object.entries(props.keep).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
  return (
    <div class="picker">
      <span class="sub" title={`${new Date(range.from).toISOString()} to ${new Date(range.to).toISOString()}`}>
        {formatUtc(range.from, false)} → {formatUtc(range.to)} · {range.bucket} buckets
      </span>
      <div class="seg" role="group" aria-label="time range">
        {presets.map((key) => (
          <a href={linkTo(props.path, { range: key }, keep)} class={range.key === key ? 'on' : undefined} title={RANGE_LABELS[key]}>
            {key === 'all' ? 'All' : key}
          </a>
        ))}
        <details class="popover">
          <summary class={range.key === 'custom' ? 'on' : undefined}>Custom</summary>
          <form method="get" action={props.path}>
            <input type="hidden" name="range" value="custom" />
            {Object.entries(keep).map(([k, v]) => (
              <input type="hidden" name={k} value={v} />
            ))}
            <label>
              From (UTC, or a time ago such as -6h)
              <input type="text" name="from" value={new Date(range.from).toISOString().slice(0, 16).replace('T', ' ')} />
            </label>
            <label>
              To (UTC; empty = now)
              <input type="text" name="to" value={new Date(range.to).toISOString().slice(0, 16).replace('T', ' ')} />
            </label>
            <button type="submit">Apply</button>
          </form>
        </details>
      </div>
    </div>
  );
}
