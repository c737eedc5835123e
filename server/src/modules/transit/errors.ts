import { ProblemError, type InvalidParam } from '../../platform/errors.js';

export enum TransitErrorCode {
  InvalidFeed = 'transit.invalid_feed',
  InvalidPositions = 'transit.invalid_positions',
  InvalidPredictions = 'transit.invalid_predictions',
  InvalidRealtime = 'transit.invalid_realtime',
  UnknownStop = 'transit.unknown_stop',
  UnknownRoute = 'transit.unknown_route',
  UnknownFeed = 'transit.unknown_feed',
  /** Several feeds, and the request does not say which (nor can it be told from the stop or route). */
  FeedRequired = 'transit.feed_required',
  InvalidModel = 'transit.invalid_model',
  InvalidPeriod = 'transit.invalid_period',
  InvalidPollSource = 'transit.invalid_poll_source',
  UnknownPollSource = 'transit.unknown_poll_source',
}

const STATUS: Record<TransitErrorCode, number> = {
  [TransitErrorCode.InvalidFeed]: 400,
  [TransitErrorCode.InvalidPositions]: 400,
  [TransitErrorCode.InvalidPredictions]: 400,
  [TransitErrorCode.InvalidRealtime]: 400,
  [TransitErrorCode.UnknownStop]: 404,
  [TransitErrorCode.UnknownRoute]: 404,
  [TransitErrorCode.UnknownFeed]: 404,
  [TransitErrorCode.FeedRequired]: 400,
  [TransitErrorCode.InvalidModel]: 400,
  [TransitErrorCode.InvalidPeriod]: 400,
  [TransitErrorCode.InvalidPollSource]: 400,
  [TransitErrorCode.UnknownPollSource]: 404,
};

/** Where in a feed a problem is: the file, its 1-based line (the header is line 1) and the field. */
export interface FeedProblem {
  file: string;
  line?: number;
  field?: string;
  reason: string;
}

export const describeProblem = (problem: FeedProblem) =>
  `${problem.file}${problem.line ? `:${problem.line}` : ''}${problem.field ? ` ${problem.field}` : ''}: ${problem.reason}`;

export class TransitError extends ProblemError {
  constructor(code: TransitErrorCode, detail: string, invalidParams?: InvalidParam[], extra?: Record<string, unknown>) {
    super(STATUS[code], code, code.replace('transit.', '').replace(/_/g, ' '), detail, invalidParams, extra);
  }

  /** A feed that failed validation: every problem becomes an invalid param named `file:line field`. */
  static invalidFeed(problems: FeedProblem[]): TransitError {
    const shown = problems.slice(0, 50);
    return new TransitError(
      TransitErrorCode.InvalidFeed,
      `the feed has ${problems.length} problem(s); first: ${describeProblem(problems[0]!)}`,
      shown.map((problem) => ({ name: `${problem.file}${problem.line ? `:${problem.line}` : ''}${problem.field ? `/${problem.field}` : ''}`, reason: problem.reason })),
      { problemCount: problems.length },
    );
  }
}
