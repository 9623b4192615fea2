import { raw } from 'hono/html';

/**
 * Styles of the Logs, SQL and Jobs pages, on top of `static/style.css` (the CSP allows inline
 * styles, not scripts).
 */
const CSS = `
.logtable td { padding: 5px 12px; vertical-align: top; }
.logtable td.time { font-family: var(--mono); font-size: 12px; color: #374151; }
.logtable td.msg { font-family: var(--mono); font-size: 12.5px; white-space: pre-wrap; word-break: break-word; width: 60%; }
.logtable td.where { font-family: var(--mono); font-size: 11.5px; color: var(--muted); white-space: nowrap; max-width: 28ch; overflow: hidden; text-overflow: ellipsis; direction: rtl; text-align: left; }
.logtable td.where a { color: var(--muted); }
.logtable td.who { font-size: 12px; color: #374151; white-space: nowrap; }
.logtable tr.target td { background: #fff7ed; }
.logtable tr.target td:first-child { box-shadow: inset 3px 0 0 #f59e0b; }
.logtable tr.unparsed td.msg { color: #92400e; }
.pager { display: flex; gap: 10px; align-items: center; justify-content: space-between; padding: 10px 16px; border-top: 1px solid #eef0f3; font-size: 13px; }
.pager .muted { font-variant-numeric: tabular-nums; }
.chips { display: flex; gap: 6px; flex-wrap: wrap; margin: -6px 0 14px; }
.chip { background: #fff; border: 1px solid var(--border); border-radius: 12px; padding: 1px 10px; font-size: 12px; color: #374151; }
.chip a { margin-left: 6px; color: var(--muted); }
.sqlform textarea { width: 100%; min-height: 150px; font-family: var(--mono); font-size: 13px; padding: 10px 12px; border: 1px solid #d1d5db; border-radius: 6px; resize: vertical; }
.sqlform .row { display: flex; gap: 10px; align-items: center; margin-top: 10px; flex-wrap: wrap; }
.sqlform .examples { margin-top: 10px; display: flex; flex-wrap: wrap; gap: 4px 12px; }
.nowrap { white-space: nowrap; }
.logtable td.lineno { font-family: var(--mono); font-size: 12px; color: var(--muted); }
.progress { height: 10px; background: #eef2f7; border-radius: 5px; overflow: hidden; }
.progress > span { display: block; height: 100%; background: var(--accent); transition: width 300ms; }
.progress.indeterminate > span { width: 30% !important; animation: slide 1.2s infinite ease-in-out; }
@keyframes slide { 0% { margin-left: -30%; } 100% { margin-left: 100%; } }
.runstate { display: grid; gap: 8px; padding: 4px 0; }
.runstate .line { display: flex; gap: 16px; align-items: center; justify-content: space-between; font-size: 13px; font-variant-numeric: tabular-nums; }
.resulttable td { font-family: var(--mono); font-size: 12.5px; white-space: pre-wrap; word-break: break-word; max-width: 60ch; }
.resulttable th { white-space: nowrap; text-transform: none; letter-spacing: 0; font-family: var(--mono); }
.resulttable th .type { display: block; font-weight: 400; color: var(--faint); font-size: 10.5px; }
.history li { padding: 6px 0; border-bottom: 1px solid #eef0f3; list-style: none; font-size: 12.5px; }
.history li:last-child { border-bottom: none; }
.history ul { margin: 0; padding: 0; }
.history code { display: block; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.history .meta { display: block; color: var(--muted); font-size: 11.5px; margin-top: 2px; }
.workers td { font-size: 12.5px; }
.kv { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; margin: 10px 0 14px; }
.kv div .label { color: var(--muted); font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.04em; }
.kv div .value { font-size: 18px; font-weight: 650; font-variant-numeric: tabular-nums; }
.badge.running { background: #dcfce7; color: #166534; }
.badge.stopped { background: #f1f5f9; color: #475569; }
.badge.done { background: #dcfce7; color: #166534; }
.badge.failed, .badge.timeout { background: #fee2e2; color: #991b1b; }
.badge.cancelled { background: #fef3c7; color: #92400e; }
`;

/** The pages' extra styles, as a `<style>` element. */
export function PageStyles() {
  return <style>{raw(CSS)}</style>;
}
