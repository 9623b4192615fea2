import type { ClusterStatus } from '../cluster/index.js';

const num = (n: number) => n.toLocaleString('en-US');

/** How long ago, in words a glance reads: `3 s ago`, `5 min ago`. */
export function describeAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/** `cluster status` as text: the queue, then one row per worker. */
export function formatClusterStatus(status: ClusterStatus): string {
  const q = status.queue;
  const lines = [
    `Redis ${status.redis}`,
    `Queue: ${num(q.waiting)} waiting, ${num(q.active)} active, ${num(q.delayed)} delayed (retrying), ${num(q.failed)} failed`,
  ];
  if (status.workers.length === 0) {
    lines.push('No workers: start some with `logscope worker --redis URL` on machines that mount the inputs and the store.');
    return lines.join('\n') + '\n';
  }
  const header = ['host', 'pid', 'jobs', 'jobs done', 'lines done', 'lines/s', 'last seen'];
  const rows = status.workers.map((w) => [
    w.host, String(w.pid), `${w.active}/${w.concurrency}`, num(w.jobsDone), num(w.linesDone), num(w.linesPerSecond),
    describeAge(w.ageMs) + (w.gone ? ' (gone?)' : ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const pad = (r: string[]) => r.map((c, i) => (i === 0 || i === 6 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  lines.push('', pad(header), ...rows.map(pad));
  return lines.join('\n') + '\n';
}
