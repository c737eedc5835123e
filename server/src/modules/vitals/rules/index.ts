export { RuleEngine, type ExportedBaselines } from './engine.js';
export { classifyValue, type ValueClass } from './classify.js';
export { HourOfWeekClock } from './time-zone.js';
export type {
  AlertTransition,
  AlertTransitionKind,
  AnomalyOptions,
  RateOfChangeConfig,
  RuleEngineOptions,
  RuleEngineStats,
  RuleId,
  SeriesSnapshot,
  SeriesStatus,
} from './types.js';
