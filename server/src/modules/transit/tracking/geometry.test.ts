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

  it('places points in order and walks back out', () => {
    expect([...placeAlong(path, [[10, 5], [990, 0], [1000, 500]])]).toEqual([10, 990, 1500]);
    expect(pointAlong(path, 1500)).toEqual([1000, 500]);
    expect(pointAlong(path, -5)).toEqual([0, 0]);
  });
});
