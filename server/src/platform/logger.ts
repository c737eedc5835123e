import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** One JSON line per event on stdout. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'citypulse' } });
}
