export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const median = (values: number[]) => percentile(values, 50);

/** Wall time of `work`, and the longest a 1 ms timer waited meanwhile (what any other request waits). */
export async function measureWaits(work: () => unknown): Promise<{ ms: number; waited: number }> {
  let waited = 0;
  let last = performance.now();
  const timer = setInterval(() => { const now = performance.now(); waited = Math.max(waited, now - last); last = now; }, 1);
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  waited = Math.max(waited, performance.now() - last);
  clearInterval(timer);
  return { ms, waited };
}

export const fmt = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
