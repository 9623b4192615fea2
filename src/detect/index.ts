export {
  detectAnomalies,
  groupEvents,
  EVENT_GAP_BUCKETS,
  LEGACY_METRIC_SETTINGS,
  countFirings,
  firingsPer1000,
  explainEvent,
  scoreBuckets,
  type ScoredBucket,
  type Anomaly,
  type AnomalyEvent,
  type Contributor,
  type DailyFirings,
  type FiringRate,
  type DetectOptions,
  type DetectResult,
} from './anomalies.js';
export { compileMetric, ERRORS_EXPRESSION, VOLUME_EXPRESSION, type CompiledMetric, type Measure } from './metric.js';
export { detectAnomaliesInFiles, type FileDetectOptions } from './scan.js';
export { listPatterns, findNewPatterns, type Pattern } from './patterns.js';
