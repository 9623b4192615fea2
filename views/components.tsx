import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { formatNumber, formatPercent, LEVEL_COLORS, LEVEL_ORDER } from '../src/charts/index.js';

/** An SVG made by `src/charts` (already escaped there) placed as markup. */
export function Svg(props: { svg: string; inline?: boolean }) {
  return props.inline ? <span class="spark">{raw(props.svg)}</span> : <div class="chart">{raw(props.svg)}</div>;
}

/** A titled panel. */
export function Panel(props: { title: string; hint?: Child; flush?: boolean; id?: string; children?: Child }) {
  return (
    <section class="panel" id={props.id}>
      <header>
        <h2>{props.title}</h2>
        {props.hint !== undefined ? <span class="hint">{props.hint}</span> : null}
      </header>
      <div class={props.flush ? 'body flush' : 'body'}>{props.children}</div>
    </section>
  );
}

/** A headline number. */
export function Stat(props: { label: string; value: string; detail?: Child; bad?: boolean }) {
  return (
    <div class="panel stat">
      <div class="label">{props.label}</div>
      <div class={props.bad ? 'value bad' : 'value'}>{props.value}</div>
      {props.detail !== undefined ? <div class="detail">{props.detail}</div> : null}
    </div>
  );
}

/** What to show where there is nothing, and what to do about it. */
export function Empty(props: { title: string; children?: Child }) {
  return (
    <div class="empty">
      <h3>{props.title}</h3>
      {props.children}
    </div>
  );
}

export function LevelBadge(props: { level: string | null }) {
  const level = props.level ?? 'unknown';
  return <span class={`badge lvl-${(LEVEL_ORDER as readonly string[]).includes(level) ? level : 'unknown'}`}>{level}</span>;
}

export function SeverityBadge(props: { severity: 'warning' | 'critical' }) {
  return <span class={`badge ${props.severity}`}>{props.severity}</span>;
}

/** A count with thousands separators, right-aligned by its cell. */
export function n(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : formatNumber(value);
}

export function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : formatPercent(value);
}

/** The mix of levels of a template as a thin stacked bar, with its numbers in the tooltip. */
export function LevelMix(props: { levels: Record<string, number> }) {
  const total = Object.values(props.levels).reduce((a, b) => a + b, 0);
  if (total === 0) return <span class="muted">–</span>;
  const parts = LEVEL_ORDER.filter((l) => (props.levels[l] ?? 0) > 0);
  const title = parts.map((l) => `${l} ${formatNumber(props.levels[l])}`).join(' · ');
  return (
    <span class="levelmix" title={title} aria-label={title}>
      {parts.map((l) => (
        <span style={`width:${((props.levels[l] / total) * 100).toFixed(2)}%;background:${LEVEL_COLORS[l]}`}></span>
      ))}
    </span>
  );
}
