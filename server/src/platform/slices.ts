// Long work on the event loop in slices: a big realtime message (a whole fleet, tens of thousands of
// vehicles) is decoded and tracked a little at a time, a GTFS feed built, the vital signs' baselines
// written out, and other requests are answered in between.

/**
 * The longest the modules' long jobs (a message's positions tracked, a feed built) work before other work
 * gets a turn: a request waiting on the event loop goes through a few such turns (authentication, the
 * database, the answer).
 */
export const SLICE_MS = 10;

/**
 * A pause for every `ms` of work: `await pause()` between items hands the event loop to others once the
 * slice is used up, and costs a clock read otherwise.
 */
export function pauseEvery(ms: number): () => Promise<void> | undefined {
  let sliceStart = performance.now();
  return () => {
    if (performance.now() - sliceStart <= ms) return undefined;
    return new Promise<void>((resolve) => setImmediate(() => {
      sliceStart = performance.now();
      resolve();
    }));
  };
}

/**
 * A long job written as a generator, yielding wherever it may stop for a while, run to its end at once:
 * the same job serves a command, which has nothing else to do, and a server, which must answer meanwhile.
 */
export function runToEnd<T>(steps: Generator<unknown, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The same job run in slices of `SLICE_MS` (or `pause`'s), letting other work in between. */
export async function runInSlices<T>(steps: Generator<unknown, T>, pause: () => Promise<void> | undefined = pauseEvery(SLICE_MS)): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}
