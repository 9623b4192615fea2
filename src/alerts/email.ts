import { SEVERITY_ORDER, type AlertSeverity, type Firing, type FiringTable } from './firing.js';
import type { EmailAttachment } from './mailer.js';
import { domainOf, messageIdFor } from './message-id.js';
import { renderChartPng } from './render-chart.js';

/** Options of {@link renderEmail}. */
export interface RenderEmailOptions {
  /** The dashboard's public base URL (`https://logscope.example.com`): each firing links to its page there. */
  publicUrl?: string;
  /** The From address, whose domain ends the Message-ID. */
  from?: string;
  /** Override the Message-ID (the outbox passes the one it stored). */
  messageId?: string;
  /** Charts drawn for a group (the others are listed without one). Default 5. */
  maxCharts?: number;
  /** Firings of a group shown in full; the others appear only in the summary table. Default 10. */
  maxSections?: number;
}

/** An email ready for the mailer: subject, both parts, the inline chart PNGs, and its Message-ID. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  attachments: EmailAttachment[];
  messageId: string;
  /** The highest severity of the firings. */
  severity: AlertSeverity;
}

const SEVERITY_COLORS: Record<AlertSeverity, { fg: string; bg: string }> = {
  critical: { fg: '#ffffff', bg: '#b91c1c' },
  warning: { fg: '#111827', bg: '#f59e0b' },
  info: { fg: '#ffffff', bg: '#2563eb' },
};
const FONT = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace";

/**
 * Renders the email for the firings of one rule (one firing, or several grouped during a
 * cool-down): a subject naming the rule, severity, series and time; a plain-text part; an
 * HTML part laid out with tables and inline styles (as mail clients need), every value
 * escaped; per firing its numbers, explanation, contributors, tables, the SQL that reproduces
 * them, a dashboard link when `publicUrl` is set, and a chart as a PNG attached inline by
 * Content-ID. A digest with no rows says "all quiet".
 *
 * @example
 * const email = renderEmail([firing], { publicUrl: 'https://logscope.example.com', from: 'alerts@example.com' });
 * fs.writeFileSync('alert.html', email.html);
 */
export function renderEmail(firings: readonly Firing[], options: RenderEmailOptions = {}): RenderedEmail {
  if (firings.length === 0) throw new Error('renderEmail needs at least one firing');
  const sorted = [...firings].sort((a, b) => a.eventStart.localeCompare(b.eventStart) || a.firedAt.localeCompare(b.firedAt) || a.key.localeCompare(b.key));
  const severity = sorted.reduce<AlertSeverity>((s, f) => (SEVERITY_ORDER[f.severity] > SEVERITY_ORDER[s] ? f.severity : s), 'info');
  const rule = sorted[0].rule;
  const messageId = options.messageId ?? messageIdFor(sorted.map((f) => f.key), domainOf(options.from));
  const shown = options.maxSections ?? 10;
  const maxCharts = Math.min(options.maxCharts ?? 5, shown);
  const attachments: EmailAttachment[] = [];
  const cids: (string | undefined)[] = sorted.map((f, i) => {
    if (i >= maxCharts) return undefined;
    const png = renderChartPng(f.chart);
    if (png === undefined) return undefined;
    const cid = `chart-${i + 1}.${messageId.slice(1, -1).replace(/[^A-Za-z0-9.@-]/g, '')}`;
    attachments.push({ filename: `chart-${i + 1}.png`, contentType: 'image/png', content: png, cid });
    return cid;
  });
  const subject = oneLine(subjectOf(sorted, severity));
  const links = sorted.map((f) => dashboardLink(options.publicUrl, f.dashboardPath));
  return {
    subject,
    text: renderText(sorted, severity, links, messageId, shown),
    html: renderHtml(sorted, severity, subject, links, cids, messageId, shown),
    attachments,
    messageId,
    severity,
  };
}

function subjectOf(firings: readonly Firing[], severity: AlertSeverity): string {
  const tag = `[${severity.toUpperCase()}] ${firings[0].rule}`;
  if (firings.length === 1) {
    const f = firings[0];
    if (isQuietDigest(f)) return `${tag}: all quiet, ${formatRange(f.eventStart, f.eventEnd)}`;
    const series = f.series !== '' && !f.title.includes(f.series) ? ` (${f.series})` : '';
    const when = f.kind === 'digest' ? formatRange(f.eventStart, f.eventEnd) : formatTime(f.eventStart);
    return `${tag}: ${f.title}${series}, ${when}`;
  }
  const series = [...new Set(firings.map((f) => f.series).filter((s) => s !== ''))];
  const shown = series.slice(0, 3).join('; ') + (series.length > 3 ? `; +${series.length - 3} more` : '');
  const start = firings.map((f) => f.eventStart).sort()[0];
  const end = firings.map((f) => f.eventEnd).sort().at(-1) as string;
  return `${tag}: ${firings.length} firings${shown !== '' ? ` (${shown})` : ''}, ${formatRange(start, end)}`;
}

function isQuietDigest(f: Firing): boolean {
  return f.kind === 'digest' && (f.tables ?? []).every((t) => t.rows.length === 0);
}

/** The dashboard URL of a firing: its path on the public URL; only http(s). */
function dashboardLink(publicUrl: string | undefined, dashboardPath: string | undefined): string | undefined {
  if (publicUrl === undefined || dashboardPath === undefined) return undefined;
  try {
    const base = new URL(publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`);
    const url = new URL(dashboardPath.replace(/^\/+/, ''), base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- plain text

function renderText(firings: readonly Firing[], severity: AlertSeverity, links: (string | undefined)[], messageId: string, shown: number): string {
  const out: string[] = [];
  const first = firings[0];
  out.push(`${severity.toUpperCase()} · rule ${first.rule}${firings.length > 1 ? ` · ${firings.length} firings grouped during the cool-down` : ''}`);
  out.push('');
  if (firings.length > 1) {
    out.push(...textTable(SUMMARY_COLUMNS, firings.map(summaryRow)), '');
    if (firings.length > shown) out.push(`The first ${shown} in detail; the other ${firings.length - shown} are in the table above.`, '');
  }
  firings.slice(0, shown).forEach((f, i) => {
    if (firings.length > 1) out.push(`${i + 1}. ${f.title}`, '-'.repeat(Math.min(72, f.title.length + 3)));
    else out.push(f.title, '='.repeat(Math.min(72, f.title.length)));
    for (const [k, v] of facts(f)) out.push(`${k.padEnd(10)} ${v}`);
    out.push('');
    if (isQuietDigest(f)) out.push(`All quiet: nothing fired between ${formatTime(f.eventStart)} and ${formatTime(f.eventEnd)}.`, '');
    for (const d of f.details) out.push(d);
    if (f.details.length > 0) out.push('');
    if (f.contributors !== undefined && f.contributors.length > 0) {
      out.push('What changed:');
      out.push(...textTable(['', 'value', 'observed', 'expected', 'change'], f.contributors.map((c) => [c.dimension, c.value, formatNumber(c.observed), formatNumber(c.expected), formatChange(c.observed, c.expected)])));
      out.push('');
    }
    for (const t of f.tables ?? []) {
      if (isQuietDigest(f) && t.rows.length === 0) continue;
      out.push(`${t.title}:`);
      out.push(...(t.rows.length === 0 ? ['  (none)'] : textTable(t.columns, t.rows.map((r) => r.map(formatCell)))));
      out.push('');
    }
    if (f.sql !== undefined) out.push('Reproduce with logscope sql:', '', ...f.sql.split('\n').map((l) => `    ${l}`), '');
    if (links[i] !== undefined) out.push(`Open in the dashboard: ${links[i]}`, '');
  });
  out.push('-- ', `Sent by logscope. Rule ${first.rule}; firing key${firings.length > 1 ? 's' : ''}: ${firings.map((f) => f.key).join(', ')}. Message-ID ${messageId}.`);
  return `${out.join('\n')}\n`;
}

function textTable(columns: readonly string[], rows: readonly string[][]): string[] {
  const widths = columns.map((c, i) => Math.min(48, Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: readonly string[]) => `  ${cells.map((c, i) => (isNumeric(c) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')}`.trimEnd();
  return [line(columns), ...rows.map(line)];
}

// ---------------------------------------------------------------- HTML

function renderHtml(firings: readonly Firing[], severity: AlertSeverity, subject: string, links: (string | undefined)[], cids: (string | undefined)[], messageId: string, shown: number): string {
  const color = SEVERITY_COLORS[severity];
  const first = firings[0];
  const summary =
    firings.length > 1
      ? `<tr><td style="padding:20px 24px 4px;font-family:${FONT};font-size:14px;line-height:21px;color:#374151;">${htmlTable(SUMMARY_COLUMNS, firings.map(summaryRow))}${firings.length > shown ? `<p style="margin:8px 0 0;color:#6b7280;">The first ${shown} in detail below; the other ${firings.length - shown} are in this table.</p>` : ''}</td></tr>\n`
      : '';
  const sections = summary + firings.slice(0, shown).map((f, i) => section(f, i, firings.length, links[i], cids[i])).join(`<tr><td style="padding:0 24px;"><div style="border-top:1px solid #e5e7eb;height:1px;line-height:1px;font-size:1px;">&nbsp;</div></td></tr>`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(subject)}</title></head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f3f4f6;">
<tr><td align="center" style="padding:24px 8px;">
<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:640px;background-color:#ffffff;border:1px solid #e5e7eb;border-collapse:separate;">
<tr><td style="padding:16px 24px;border-bottom:1px solid #e5e7eb;font-family:${FONT};font-size:14px;color:#374151;">
<span style="display:inline-block;padding:3px 8px;background-color:${color.bg};color:${color.fg};font-weight:bold;font-size:12px;letter-spacing:0.5px;">${esc(severity.toUpperCase())}</span>
&nbsp;<span style="font-weight:bold;color:#111827;">${esc(first.rule)}</span>${firings.length > 1 ? `&nbsp;<span style="color:#6b7280;">· ${firings.length} firings grouped during the cool-down</span>` : ''}
</td></tr>
${sections}
<tr><td style="padding:16px 24px;border-top:1px solid #e5e7eb;font-family:${FONT};font-size:12px;line-height:18px;color:#6b7280;">
Sent by logscope. Firing key${firings.length > 1 ? 's' : ''}: ${firings.map((f) => `<span style="font-family:${MONO};">${esc(f.key)}</span>`).join(', ')}.<br>Message-ID ${esc(messageId)}
</td></tr>
</table>
</td></tr>
</table>
</body></html>
`;
}

function section(f: Firing, index: number, count: number, link: string | undefined, cid: string | undefined): string {
  const rows: string[] = [];
  const td = (inner: string, padding = '0 24px 16px') => `<tr><td style="padding:${padding};font-family:${FONT};font-size:14px;line-height:21px;color:#374151;">${inner}</td></tr>`;
  rows.push(td(`<h2 style="margin:0;font-size:18px;line-height:25px;color:#111827;font-weight:bold;">${count > 1 ? `${index + 1}. ` : ''}${esc(f.title)}</h2>`, '20px 24px 12px'));
  rows.push(td(factsTable(f)));
  if (isQuietDigest(f)) {
    rows.push(td(`<p style="margin:0;padding:12px 16px;background-color:#ecfdf5;border-left:4px solid #059669;color:#065f46;"><strong>All quiet.</strong> Nothing fired between ${esc(formatTime(f.eventStart))} and ${esc(formatTime(f.eventEnd))}.</p>`));
  }
  if (f.details.length > 0) rows.push(td(f.details.map((d) => `<p style="margin:0 0 8px;">${esc(d)}</p>`).join('')));
  if (cid !== undefined && f.chart !== undefined) {
    rows.push(td(`<img src="cid:${esc(cid)}" width="592" alt="${esc(`${f.chart.label}: chart of the series around the event`)}" style="display:block;width:100%;max-width:592px;height:auto;border:1px solid #e5e7eb;">`));
  }
  if (f.contributors !== undefined && f.contributors.length > 0) {
    rows.push(
      td(
        `<p style="margin:0 0 6px;font-weight:bold;color:#111827;">What changed</p>` +
          htmlTable(['', 'value', 'observed', 'expected', 'change'], f.contributors.map((c) => [c.dimension, c.value, formatNumber(c.observed), formatNumber(c.expected), formatChange(c.observed, c.expected)]), true),
      ),
    );
  }
  for (const t of f.tables ?? []) {
    if (isQuietDigest(f) && t.rows.length === 0) continue;
    rows.push(td(`<p style="margin:0 0 6px;font-weight:bold;color:#111827;">${esc(t.title)}</p>` + (t.rows.length === 0 ? `<p style="margin:0;color:#6b7280;">None.</p>` : htmlTable(t.columns, t.rows.map((r) => r.map(formatCell))))));
  }
  if (f.sql !== undefined) {
    rows.push(
      td(
        `<p style="margin:0 0 6px;font-weight:bold;color:#111827;">Reproduce with <span style="font-family:${MONO};font-weight:normal;">logscope sql</span></p>` +
          `<pre style="margin:0;padding:10px 12px;background-color:#f9fafb;border:1px solid #e5e7eb;font-family:${MONO};font-size:12px;line-height:17px;color:#111827;white-space:pre-wrap;word-break:break-word;">${esc(f.sql)}</pre>`,
      ),
    );
  }
  if (link !== undefined) {
    rows.push(
      td(
        `<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr><td style="background-color:#1d4ed8;"><a href="${esc(link)}" style="display:inline-block;padding:9px 16px;font-family:${FONT};font-size:14px;font-weight:bold;color:#ffffff;text-decoration:none;">Open in the dashboard</a></td></tr></table>`,
        '0 24px 20px',
      ),
    );
  }
  return rows.join('\n');
}

function factsTable(f: Firing): string {
  const cells = facts(f)
    .map(([k, v]) => `<tr><td style="padding:2px 16px 2px 0;color:#6b7280;white-space:nowrap;vertical-align:top;">${esc(k)}</td><td style="padding:2px 0;color:#111827;font-variant-numeric:tabular-nums;">${esc(v)}</td></tr>`)
    .join('');
  return `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="font-family:${FONT};font-size:14px;line-height:20px;">${cells}</table>`;
}

function htmlTable(columns: readonly string[], rows: readonly string[][], nowrapFirst = false): string {
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === '' || isNumeric(r[i] ?? '')));
  const th = columns.map((c, i) => `<th style="padding:6px 8px;border-bottom:2px solid #e5e7eb;text-align:${numeric[i] ? 'right' : 'left'};font-size:12px;color:#6b7280;font-weight:bold;">${esc(c)}</th>`).join('');
  const body = rows
    .map((r, ri) => `<tr style="background-color:${ri % 2 === 1 ? '#f9fafb' : '#ffffff'};">${r.map((cell, i) => `<td style="padding:5px 8px;border-bottom:1px solid #f3f4f6;text-align:${numeric[i] ? 'right' : 'left'};font-variant-numeric:tabular-nums;${numeric[i] || (nowrapFirst && i === 0) ? 'white-space:nowrap;' : 'word-break:break-word;'}">${esc(cell)}</td>`).join('')}</tr>`)
    .join('');
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;font-family:${FONT};font-size:13px;line-height:18px;color:#111827;"><tr>${th}</tr>${body}</table>`;
}

// ---------------------------------------------------------------- values

const SUMMARY_COLUMNS = ['#', 'series', 'event', 'observed', 'expected', 'z', 'severity'];

/** A firing as a row of a grouped email's summary table. */
function summaryRow(f: Firing, i: number): string[] {
  return [String(i + 1), f.series === '' ? f.title : f.series, formatTime(f.eventStart), f.observed === undefined ? '' : formatNumber(f.observed), f.expected === undefined ? '' : formatNumber(f.expected), f.z === undefined ? '' : f.z.toFixed(1), f.severity];
}

/** The firing's key facts, as label/value pairs, the same in both parts. */
function facts(f: Firing): [string, string][] {
  const out: [string, string][] = [];
  if (f.series !== '') out.push(['Series', f.series]);
  out.push([f.kind === 'digest' ? 'Period' : 'Event', f.eventStart === f.eventEnd ? formatTime(f.eventStart) : formatRange(f.eventStart, f.eventEnd)]);
  if (f.observed !== undefined) out.push(['Observed', formatNumber(f.observed)]);
  if (f.expected !== undefined) out.push(['Expected', formatNumber(f.expected)]);
  if (f.z !== undefined) out.push(['z-score', f.z.toFixed(1)]);
  out.push(['Severity', f.severity]);
  out.push(['Evaluated', formatTime(f.firedAt)]);
  return out;
}

/** `2026-12-03 10:05 UTC` (seconds shown only when not zero). */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const s = d.toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, s.slice(17, 23) === '00.000' ? 16 : 19)} UTC`;
}

/** `2026-12-03 10:05–10:40 UTC`, or both dates when they differ. */
function formatRange(start: string, end: string): string {
  const a = formatTime(start);
  const b = formatTime(end);
  if (a === b) return a;
  if (a.slice(0, 10) === b.slice(0, 10)) return `${a.slice(0, -4)}–${b.slice(11)}`;
  return `${a.slice(0, -4)} – ${b}`;
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const abs = Math.abs(v);
  return v.toLocaleString('en-US', { maximumFractionDigits: abs >= 100 ? 0 : abs >= 1 ? 2 : 4 });
}

function formatChange(observed: number, expected: number): string {
  const d = observed - expected;
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  return `${sign}${formatNumber(Math.abs(d))}`;
}

function formatCell(v: FiringTable['rows'][number][number]): string {
  if (v === null) return '';
  if (typeof v === 'number') return formatNumber(v);
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v) && !Number.isNaN(Date.parse(v)) ? formatTime(v) : v;
}

function isNumeric(s: string): boolean {
  return /^[+\-−±]?[\d,]+(\.\d+)?%?$/.test(s);
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}
