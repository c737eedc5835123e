// Long work on the event loop in slices: a big realtime message (a whole fleet, tens of thousands of
// vehicles) is decoded and tracked a little at a time, and other requests are answered in between.

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
