import { describe, expect, it } from 'vitest';
import { makePath, nearestOnPath, placeAlong, pointAlong } from './geometry.js';

// An L: 1000 m east, then 1000 m north.
const path = makePath([[0, 0], [1000, 0], [1000, 1000]]);

describe('paths', () => {
  it('finds the nearest point and its distance along', () => {
    expect(nearestOnPath(path, 400, 30)).toEqual({ along: 400, offset: 30 });
    expect(nearestOnPath(path, 1020, 600)).toEqual({ along: 1600, offset: 20 });
  });

  it('measures the offset of the point it returns when the window cuts a segment', () => {
    // The position is at 1600 m; only [0, 1200] may be searched: the nearest allowed point is 1200 m, 400 m away.
    const match = nearestOnPath(path, 1000, 600, 0, 1200)!;
    expect(match.along).toBeCloseTo(1200, 6);
    expect(match.offset).toBeCloseTo(400, 6);
  });

  it('searches only the window, on a path that passes the same place on each lap', () => {
    // Three laps of a 400 m square, with a repeated point (a zero-length segment) at each corner.
    const lap: Array<[number, number]> = [[0, 0], [100, 0], [100, 0], [100, 100], [0, 100], [0, 100]];
    const laps = makePath([...lap, ...lap, ...lap, [0, 0]]);
    // Every window, with the segments outside it left out by hand: the search must agree.
    for (const from of [-Infinity, 0, 50, 400, 450, 799, 800, 1150, 1200]) {
      for (const width of [0, 30, 100, 500, Infinity]) {
        const to = from + width;
        const within = (at: number) => at >= from - 1e-9 && at <= to + 1e-9;
        const match = nearestOnPath(laps, 60, 10, from, to);
        // By brute force over points every metre along the window (each lap is 400 m long).
        let best = Infinity;
        for (let at = Math.max(0, from); at <= Math.min(laps.length, to); at += 1) {
          const [x, y] = pointAlong(laps, at);
          best = Math.min(best, Math.hypot(60 - x, 10 - y));
        }
        if (best === Infinity) continue;
        expect(match, `window ${from}..${to}`).not.toBeNull();
        expect(within(match!.along), `window ${from}..${to}`).toBe(true);
        expect(match!.offset).toBeCloseTo(best, 0);
      }
    }
    // The point 60 m into the first side, on the second lap when the window starts there.
    expect(nearestOnPath(laps, 60, 10, 400, 800)).toEqual({ along: 460, offset: 10 });
  });

  it('places points in order and walks back out', () => {
    expect([...placeAlong(path, [[10, 5], [990, 0], [1000, 500]])]).toEqual([10, 990, 1500]);
    expect(pointAlong(path, 1500)).toEqual([1000, 500]);
    expect(pointAlong(path, -5)).toEqual([0, 0]);
  });
});
