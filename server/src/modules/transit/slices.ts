// Long work on the event loop in slices: a big realtime message (a whole fleet, tens of thousands of
// vehicles) is decoded and tracked a little at a time, and other requests are answered in between.

/**
 * The longest the module's long jobs (a message's positions tracked, a feed built) work before other work
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
