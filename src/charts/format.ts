/**
 * A count for reading: `1,234`, `56,789`; with `compact`, `12.3k`, `4.5M` past 10,000
 * (axis labels). Non-integers keep up to two significant decimals: `0.25`, `3.1`.
 */
export function formatNumber(value: number, compact = false): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (compact && abs >= 10_000) {
    for (const [size, unit] of [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) {
      if (abs >= size) return `${trimZeros((value / size).toFixed(abs / size >= 100 ? 0 : 1))}${unit}`;
    }
  }
  if (Number.isInteger(value) || abs >= 100) return Math.round(value).toLocaleString('en-US');
  if (abs >= 1) return trimZeros(value.toFixed(1));
  if (abs === 0) return '0';
  return String(Number(value.toPrecision(2)));
}

/** A share as a percentage: `0.0123` → `1.23%`, `0.5` → `50%`. */
export function formatPercent(share: number): string {
  if (!Number.isFinite(share)) return '';
  const pct = share * 100;
  if (pct === 0) return '0%';
  const digits = Math.abs(pct) >= 10 ? 0 : Math.abs(pct) >= 1 ? 1 : 2;
  return `${trimZeros(pct.toFixed(digits))}%`;
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-11-20 14:05 UTC` (seconds when not zero): the one way the product shows an instant. */
export function formatUtc(ms: number, withZone = true): string {
  const d = new Date(ms);
  const iso = d.toISOString();
  const secs = iso.slice(17, 19) === '00' && iso.slice(20, 23) === '000' ? '' : iso.slice(16, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${secs}${withZone ? ' UTC' : ''}`;
}

/** `Nov 20` */
export function formatDay(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

/** `Feb 2010`: a tick of an axis that spans years, where the day of the month says nothing. */
export function formatMonthYear(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** `14:05` */
export function formatClock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/** A duration for people: `45s`, `5m`, `2h`, `1h 30m`, `3d`, `2d 4h`. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d}d` : `${d}d ${h % 24}h`;
}

/** Bytes for people: `812 B`, `1.4 MB`, `2.3 GB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : trimZeros(v.toFixed(1))} ${units[i]}`;
}
