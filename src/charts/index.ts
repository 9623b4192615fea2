export { timeChart, type TimeChartOptions, type TimeChartSeries } from './time-chart.js';
export { sparkline, type SparklineOptions } from './sparkline.js';
export { LEVEL_COLORS, LEVEL_ORDER, SERIES_PALETTE, SEVERITY_COLORS, colorOf } from './colors.js';
export { formatBytes, formatClock, formatDay, formatDuration, formatMonthYear, formatNumber, formatPercent, formatUtc } from './format.js';
export { niceTicks, timeTicks, type TimeTick } from './scale.js';
export { escapeXml } from './escape.js';
