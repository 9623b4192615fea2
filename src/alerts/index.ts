export type { AlertSeverity, Firing, FiringContributor, FiringPoint, FiringTable, RuleKind } from './firing.js';
export { SEVERITY_ORDER } from './firing.js';
export { evaluateRule, evaluateRules, type EvaluateOptions, type RuleEvaluation } from './evaluate.js';
export { backtestRule, type BacktestFiring, type BacktestOptions, type BacktestResult } from './backtest.js';
export { createRuleSchedule, systemClock, type AlertSink, type Clock, type RuleSchedule } from './schedule.js';
export { abortOnSignals, runDaemon, type DaemonOptions, type DaemonSummary } from './schedule-daemon.js';
export { createLiveAlerts, liveRules, ruleHorizonMs, type LiveAlerts, type LiveAlertsOptions } from './live.js';
