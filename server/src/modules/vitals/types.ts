// Domain types of the city's vital signs (城市运行数字体征).

// The catalogue's types are also what the API answers: declared once, with the web app, in the contracts.
export type { Aggregation, Arrow, Category, Direction, IndicatorDefinition, IndicatorStatus, OrgLevel, Severity } from '@citypulse/contracts';

export interface Observation {
  indicator: string;
  /** Org unit code; absent means the city as a whole. */
  org: string;
  /** Milliseconds since the epoch (UTC). */
  ts: number;
  value: number;
}
