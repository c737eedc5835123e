import { describe, expect, it } from 'vitest';
import { StopNumbers, TripCalls } from './trip-calls.js';
import { readFeedFile } from './timetable.js';
import { lineFeed, zipFiles } from '../testing/feed.js';
import { TransitError } from '../errors.js';

describe('a trip\'s stop times, packed', () => {
  it('keep every field as given, times left out as null, past the first allocation', () => {
    const stops = new StopNumbers(['A', 'B']);
    const calls = new TripCalls(stops);
    for (let i = 0; i < 40; i++) calls.push({ sequence: i * 10, stopId: i % 3 === 2 ? `X${i}` : 'AB'[i % 2]!, arrival: i % 4 === 1 ? null : 3600 + i * 60, departure: i % 4 === 1 ? null : 3630 + i * 60, line: 100 + i });
    expect(calls.length).toBe(40);
    expect(calls.at(0)).toEqual({ sequence: 0, stopId: 'A', arrival: 3600, departure: 3630, line: 100 });
    expect(calls.at(1)).toEqual({ sequence: 10, stopId: 'B', arrival: null, departure: null, line: 101 });
    expect(calls.at(38)).toEqual({ sequence: 380, stopId: 'X38', arrival: 3600 + 38 * 60, departure: 3630 + 38 * 60, line: 138 });
    expect([...calls]).toHaveLength(40);
    expect(stops.numberOf('X38')).toBe(stops.ids.indexOf('X38'));
    // Stops shared between trips are one number, one string.
    const other = new TripCalls(stops);
    other.push({ sequence: 1, stopId: 'X38', arrival: 0, departure: 0, line: 2 });
    expect(other.stopId(0)).toBe('X38');
    expect(stops.ids.filter((id) => id === 'X38')).toHaveLength(1);
  });

  it('sort by stop_sequence, equal ones in the order read', () => {
    const calls = new TripCalls(new StopNumbers());
    for (const [sequence, stopId, line] of [[3, 'C', 2], [1, 'A', 3], [2, 'B', 4], [1, 'Z', 5]] as const) calls.push({ sequence, stopId, arrival: null, departure: null, line });
    calls.sortBySequence();
    expect([...calls].map((call) => [call.sequence, call.stopId, call.line])).toEqual([[1, 'A', 3], [1, 'Z', 5], [2, 'B', 4], [3, 'C', 2]]);
  });

  it('refuse a stop_sequence too big to keep, naming the line', async () => {
    const feed = lineFeed();
    feed['stop_times.txt'] = feed['stop_times.txt']!.replace('T1,08:15:00,08:15:00,D,4', 'T1,08:15:00,08:15:00,D,2147483648');
    const error = await readFeedFile(zipFiles(feed)).then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransitError);
    expect((error as TransitError).invalidParams).toEqual([{ name: 'stop_times.txt:5/stop_sequence', reason: '"2147483648" is not a whole number from 0 to 2147483647' }]);
  });
});
