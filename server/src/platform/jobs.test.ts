import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { createJobs } from './jobs.js';

afterEach(() => vi.useRealTimers());

describe('background jobs', () => {
  it('run every interval, first early when asked, never overlapping themselves, and stop', async () => {
    vi.useFakeTimers();
    const jobs = createJobs(pino({ level: 'silent' }));
    let runs = 0;
    let release!: () => void;
    jobs.every(1_000, () => { runs++; return new Promise<void>((resolve) => (release = resolve)); }, 'slow', 100);
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(1); // the early first run
    await vi.advanceTimersByTimeAsync(3_000);
    expect(runs).toBe(1); // still running: the ticks meanwhile are skipped
    release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(2);
    release();
    jobs.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toBe(2);
  });

  it('log a failing run and keep going', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => errors.push(JSON.parse(line)) });
    const jobs = createJobs(logger);
    let runs = 0;
    jobs.every(1_000, async () => { runs++; throw new Error('boom'); }, 'failing');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(runs).toBe(2);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ job: 'failing', msg: 'background job failed', err: { message: 'boom' } });
    jobs.stop();
  });
});
