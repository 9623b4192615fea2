/**
 * The colours of log levels, the same on every page, chart and e-mail: red for errors,
 * amber for warnings, blue for information, greys for the chatty levels.
 */
export const LEVEL_COLORS: Readonly<Record<string, string>> = Object.freeze({
  FATAL: '#7f1d1d',
  ERROR: '#dc2626',
  WARN: '#f59e0b',
  NOTICE: '#0891b2',
  INFO: '#3b82f6',
  DEBUG: '#94a3b8',
  TRACE: '#cbd5e1',
  unknown: '#d4d4d8',
});

/** The levels from the most to the least severe, as stacked charts and legends order them. */
export const LEVEL_ORDER = ['FATAL', 'ERROR', 'WARN', 'NOTICE', 'INFO', 'DEBUG', 'TRACE', 'unknown'] as const;

/** Colours of series that are not levels (services, hosts, templates), in order of use. */
export const SERIES_PALETTE = ['#3b82f6', '#10b981', '#8b5cf6', '#f97316', '#06b6d4', '#ec4899', '#84cc16', '#6366f1', '#14b8a6', '#a855f7'] as const;

/** Severity colours for anomalies. */
export const SEVERITY_COLORS: Readonly<Record<'warning' | 'critical', string>> = Object.freeze({ warning: '#f59e0b', critical: '#dc2626' });

/** The colour of a level name (case-insensitive), or of the n-th other series. */
export function colorOf(name: string, index = 0): string {
  return LEVEL_COLORS[name.toUpperCase()] ?? LEVEL_COLORS[name] ?? SERIES_PALETTE[index % SERIES_PALETTE.length];
}
