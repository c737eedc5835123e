// Background jobs of a module: each runs every so often on a timer that does not keep the process alive,
// never overlaps itself (a slow run makes the next tick skip), and logs its failures instead of throwing.
import type { Logger } from 'pino';

export interface Jobs {
  /** Runs `job` every `ms`, first after `firstAfterMs` (default: one interval). */
  every(ms: number, job: () => Promise<unknown>, name: string, firstAfterMs?: number): void;
  /** Stops every timer; runs in progress finish on their own. */
  stop(): void;
}

export function createJobs(logger: Logger): Jobs {
  const timers: NodeJS.Timeout[] = [];
  return {
    every(ms, job, name, firstAfterMs) {
      let running = false;
      const run = () => {
        if (running) return;
        running = true;
        job().catch((error) => logger.error({ err: error, job: name }, 'background job failed')).finally(() => { running = false; });
      };
      timers.push(setInterval(run, ms).unref());
      if (firstAfterMs !== undefined) timers.push(setTimeout(run, firstAfterMs).unref());
    },
    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.length = 0;
    },
  };
}
