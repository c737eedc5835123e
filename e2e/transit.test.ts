// The digital bus pages in a real browser (Debian's Chromium through playwright-core) against a real
// server on the embedded database: a small line whose timetable is built around the current time, buses
// pushed as GTFS-Realtime (one running late, so that two bunch, and one missing, so there is a big gap).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type TestServer } from '../server/test/harness.js';
import { ensureWebBuilt } from '../web/scripts/ensure-built.mjs';
import { lineFeed, listedOrderFeed, zipFiles } from '../server/src/modules/transit/testing/feed.js';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from './browser.js';
import { seriousViolations } from './pages.js';

const SCREENS_DIR = path.resolve('test-results/screens');
const available = chromiumAvailable();
if (!available) process.stdout.write(`\n  SKIPPED transit browser tests: no Chromium at ${CHROMIUM_PATH} (install Debian's chromium, or set CITYPULSE_CHROMIUM)\n\n`);

const FEED = 'e2e';
const STOP_NAMES = ['人民广场', '海城路', '南京东路', '福州路', '外滩源', '新河桥', '滨江大道', '东山公园', '南湖新村', '北苑路', '西港码头', '临港中心'];
const SPACING = 600; // metres between stops
const SPEED = 5; // m/s: 2 minutes between stops
const HEADWAY = 180; // a bus every 3 minutes
const METRES_PER_DEGREE = 111_195;

/**
 * Route 15 along twelve stops on the equator (a feed in UTC), both ways, and route 42 over its middle
 * part, with trips from 90 minutes before `now` to 90 minutes after, on the service day that started
 * three hours before (times past 24:00 as GTFS allows).
 */
function feedAround(now: number) {
  const dayStart = Math.floor((now - 3 * 3600) / 86_400) * 86_400;
  const date = (offsetDays: number) => new Date((dayStart + offsetDays * 86_400) * 1000).toISOString().slice(0, 10).replace(/-/g, '');
  const clock = (seconds: number) => `${String(Math.floor(seconds / 3600)).padStart(2, '0')}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
  const trips = ['route_id,service_id,trip_id,trip_headsign,direction_id'];
  const stopTimes = ['trip_id,arrival_time,departure_time,stop_id,stop_sequence'];
  const departures: Array<{ tripId: string; departure: number }> = [];
  const addTrips = (route: string, direction: number, stops: string[], headsign: string, every: number, offset: number) => {
    const first = Math.ceil((now - dayStart - 5400) / every) * every + offset;
    for (let departure = first; departure <= now - dayStart + 5400; departure += every) {
      const tripId = `${route}-${direction}-${clock(departure).replace(/:/g, '')}`;
      trips.push(`${route},ALL,${tripId},${headsign},${direction}`);
      stops.forEach((stop, i) => stopTimes.push(`${tripId},${clock(departure + i * (SPACING / SPEED))},${clock(departure + i * (SPACING / SPEED))},${stop},${i + 1}`));
      if (route === 'R15' && direction === 0) departures.push({ tripId, departure: dayStart + departure });
    }
  };
  const ids = STOP_NAMES.map((_, i) => `S${String(i + 1).padStart(2, '0')}`);
  addTrips('R15', 0, ids, '临港中心', HEADWAY, 0);
  addTrips('R15', 1, [...ids].reverse(), '人民广场', HEADWAY, 90);
  addTrips('R42', 0, ids.slice(2, 10), '北苑路', 420, 60);
  const files = {
    'agency.txt': 'agency_id,agency_name,agency_url,agency_timezone\nHC,海城公交,https://example.org,UTC\n',
    'stops.txt': ['stop_id,stop_name,stop_lat,stop_lon', ...ids.map((id, i) => `${id},${STOP_NAMES[i]},0,${((i * SPACING) / METRES_PER_DEGREE).toFixed(6)}`)].join('\n') + '\n',
    'routes.txt': 'route_id,route_short_name,route_long_name,route_type,route_color\nR15,15,人民广场—临港中心,3,1E6FD9\nR42,42,南京东路—北苑路,3,D97A1E\n',
    'trips.txt': trips.join('\n') + '\n',
    'stop_times.txt': stopTimes.join('\n') + '\n',
    'calendar.txt': `service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nALL,1,1,1,1,1,1,1,${date(-1)},${date(2)}\n`,
  };
  return { files, departures };
}

const HARBOUR_FEED = 'harbour';
const HARBOUR_STOPS = 35;
const HARBOUR_HEADWAY = 600;

/**
 * A second feed: route 7 (id HB7) along 35 piers named by number (黄浦江1号码头 … 黄浦江35号码头), one way,
 * a bus every 10 minutes from 90 minutes before `now` to 90 after. More stops match 黄浦江 than the search
 * lists, their numbers sort 2 before 10 only in number order, and its stop ids are in no other feed, so a
 * link without `?feed=` finds them.
 */
function harbourFeed(now: number) {
  const dayStart = Math.floor((now - 3 * 3600) / 86_400) * 86_400;
  const date = (offsetDays: number) => new Date((dayStart + offsetDays * 86_400) * 1000).toISOString().slice(0, 10).replace(/-/g, '');
  const clock = (seconds: number) => `${String(Math.floor(seconds / 3600)).padStart(2, '0')}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
  const ids = Array.from({ length: HARBOUR_STOPS }, (_, i) => harbourStop(i + 1));
  const trips = ['route_id,service_id,trip_id,trip_headsign,direction_id'];
  const stopTimes = ['trip_id,arrival_time,departure_time,stop_id,stop_sequence'];
  const first = Math.ceil((now - dayStart - 5400) / HARBOUR_HEADWAY) * HARBOUR_HEADWAY;
  for (let departure = first; departure <= now - dayStart + 5400; departure += HARBOUR_HEADWAY) {
    const tripId = `HB7-${clock(departure).replace(/:/g, '')}`;
    trips.push(`HB7,ALL,${tripId},黄浦江35号码头,0`);
    ids.forEach((stop, i) => stopTimes.push(`${tripId},${clock(departure + i * (SPACING / SPEED))},${clock(departure + i * (SPACING / SPEED))},${stop},${i + 1}`));
  }
  return {
    'agency.txt': 'agency_id,agency_name,agency_url,agency_timezone\nHB,黄浦江轮渡巴士,https://example.org,UTC\n',
    'stops.txt': ['stop_id,stop_name,stop_lat,stop_lon', ...ids.map((id, i) => `${id},黄浦江${i + 1}号码头,1,${((i * SPACING) / METRES_PER_DEGREE).toFixed(6)}`)].join('\n') + '\n',
    'routes.txt': 'route_id,route_short_name,route_long_name,route_type,route_color\nHB7,7,黄浦江1号码头—黄浦江35号码头,3,1E6FD9\n',
    'trips.txt': trips.join('\n') + '\n',
    'stop_times.txt': stopTimes.join('\n') + '\n',
    'calendar.txt': `service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nALL,1,1,1,1,1,1,1,${date(-1)},${date(2)}\n`,
  };
}

/** The harbour feed's stop id of pier `n` (its stop_sequence on route 7 too). */
const harbourStop = (n: number) => `H${String(n).padStart(2, '0')}`;

const longitudeAt = (metres: number) => metres / METRES_PER_DEGREE;
/** HH:MM in UTC, the e2e feed's zone. */
const utcClock = (seconds: number) => new Date(seconds * 1000).toISOString().slice(11, 16);

describe.skipIf(!available)('the digital bus pages in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let duty: string;
  /** The late bus and where it last was. */
  let late: { vehicleId: string; tripId: string; along: number; time: number };
  /** The next trip out of the first stop, which a bus waits to start. */
  let nextOut: { tripId: string; departure: number };
  const contexts: BrowserContext[] = [];

  async function newPage(viewport = { width: 1280, height: 900 }, token?: string): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    if (token) await context.addInitScript((value) => localStorage.setItem('citypulse.token', value), token);
    contexts.push(context);
    return context.newPage();
  }

  async function expectAccessible(page: Page, name: string): Promise<void> {
    const violations = await seriousViolations(page);
    expect(violations, `${name}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    const file = path.join(SCREENS_DIR, `${name}.png`);
    await page.screenshot({ path: file });
    process.stdout.write(`  screenshot: ${file}\n`);
  }

  async function push(entities: Array<{ vehicleId: string; tripId: string; along: number; time: number }>) {
    const response = await server.request('POST', `/api/v1/transit/realtime?feed=${FEED}`, {
      token: duty,
      body: {
        header: { gtfs_realtime_version: '2.0', timestamp: Math.max(...entities.map((entity) => entity.time)) },
        entity: entities.map((entity) => ({
          id: entity.vehicleId,
          vehicle: { vehicle: { id: entity.vehicleId }, trip: { trip_id: entity.tripId }, position: { latitude: 0, longitude: longitudeAt(entity.along) }, timestamp: entity.time },
        })),
      },
    });
    expect(response.status).toBe(200);
    return response.body as { accepted: number };
  }

  beforeAll(async () => {
    ensureWebBuilt({ quiet: true });
    server = await startServer();
    ({ browser, close: closeBrowser } = await launchChromium());
    duty = await server.login('duty');
    const now = Math.floor(Date.now() / 1000);
    const { files, departures } = feedAround(now);
    const imported = await fetch(`${server.url}/api/v1/transit/feeds?id=${FEED}`, {
      method: 'POST', body: new Blob([new Uint8Array(zipFiles(files))]), headers: { 'content-type': 'application/zip', authorization: `Bearer ${duty}` },
    });
    expect(imported.status).toBe(201);
    // Route 15 outbound: every bus on the road reports four times over the last 4.5 minutes. The third bus
    // out is 2.5 minutes late (it bunches with the one behind), the fifth does not report (a big gap).
    const running = departures.filter(({ departure }) => departure < now - 60 && departure + 11 * (SPACING / SPEED) > now + 60).reverse();
    const lateness = (index: number) => (index === 2 ? 150 : 0);
    let accepted = 0;
    for (const offset of [270, 180, 90, 0]) {
      const time = now - offset;
      const entities = running.map((trip, index) => ({ vehicleId: `沪B-${1000 + index}`, tripId: trip.tripId, along: Math.min(11 * SPACING, Math.max(0, (time - trip.departure - lateness(index)) * SPEED)), time }))
        .filter((_, index) => index !== 4);
      accepted += (await push(entities)).accepted;
    }
    expect(accepted).toBeGreaterThan(10);
    const lateTrip = running[2]!;
    // Not right on a stop (1 start in 120): there the bus counts as past it, and its stops away as one fewer than read off `along`.
    const lateAlong = (now - lateTrip.departure - 150) * SPEED;
    late = { vehicleId: '沪B-1002', tripId: lateTrip.tripId, time: now, along: lateAlong % SPACING < 20 ? lateAlong + 20 : lateAlong };
    nextOut = departures.find(({ departure }) => departure > now + 90)!;
    fs.mkdirSync(SCREENS_DIR, { recursive: true });
  }, 120_000);

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
  });

  afterAll(async () => {
    await closeBrowser?.();
    await server?.close();
  });

  it('finds a stop by name and opens its arrivals', async () => {
    const page = await newPage({ width: 390, height: 844 });
    await page.goto(`${server.url}/go?feed=${FEED}`);
    await page.fill('#stop-q', '滨江');
    await page.waitForSelector('.stop-results a');
    expect(await page.locator('.stop-results a').count()).toBe(1);
    await expectAccessible(page, 'stop search');
    await screenshot(page, 'go-search-phone');
    await page.click('.stop-results a');
    await page.waitForURL(/\/go\/stops\/S07\?feed=e2e$/);
    await page.waitForSelector('.arrival');
  });

  it('finds the stops near where the passenger stands, when they let the browser say where', async () => {
    // 2,050 m along the line: 福州路 (S04, 1,800 m) 250 m away, 外滩源 (S05, 2,400 m) 350 m; 南京东路 (S03) 850 m, too far.
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
      geolocation: { latitude: 0, longitude: 2050 / METRES_PER_DEGREE }, permissions: ['geolocation'],
    });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/go?feed=${FEED}`);
    await page.click('[data-testid="near-me"]');
    await page.waitForURL((url) => url.searchParams.has('near'));
    await page.waitForSelector('.stop-results a');
    expect(await page.locator('[data-testid="stops-near"]').textContent()).toBe('步行范围内（约 600 米）有 2 个车站');
    expect(await page.locator('.stop-result-name').allTextContents()).toEqual(['福州路', '外滩源']);
    expect(await page.locator('.stop-result-distance').allTextContents()).toEqual(['约 250 米', '约 350 米']);
    await expectAccessible(page, 'stops near me');
    await screenshot(page, 'go-near-phone');
    // The place is in the address: reloaded or shared, the same stops.
    await page.reload();
    await page.waitForSelector('.stop-results a');
    expect(await page.locator('.stop-result-name').allTextContents()).toEqual(['福州路', '外滩源']);

    // A passenger who does not allow it is told how to go on.
    const refused = await newPage({ width: 390, height: 844 });
    await refused.goto(`${server.url}/go?feed=${FEED}`);
    await refused.click('[data-testid="near-me"]');
    await refused.waitForSelector('[data-testid="near-status"].go-empty');
    expect(await refused.locator('[data-testid="near-status"]').textContent()).toContain('或按站名查找');
  });

  it('shows a pushed bus\'s prediction at a stop and updates it live, on a phone', async () => {
    // The late bus's next stops: the third stop ahead of it.
    const stopIndex = Math.min(11, Math.floor(late.along / SPACING) + 3);
    const stopId = `S${String(stopIndex + 1).padStart(2, '0')}`;
    const api = await server.request('GET', `/api/v1/transit/stops/${stopId}/arrivals?feed=${FEED}`);
    const predicted = api.body.arrivals.find((arrival: { tripId: string }) => arrival.tripId === late.tripId);
    expect(predicted).toMatchObject({ live: true, vehicleId: late.vehicleId });
    expect(predicted.delaySeconds).toBeGreaterThan(60);
    // How far the bus is: the stops from the last it passed, and the metres along the line.
    const stopsAway = stopIndex - Math.floor(late.along / SPACING);
    expect(predicted).toMatchObject({ stopsAway, metresAway: expect.closeTo(stopIndex * SPACING - late.along, -2) });

    const page = await newPage({ width: 390, height: 844 });
    await page.goto(`${server.url}/go/stops/${stopId}?feed=${FEED}`);
    const row = page.locator(`li.arrival[data-trip="${late.tripId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('class')).toContain('is-live');
    expect(Number(await row.getAttribute('data-predicted'))).toBe(predicted.predictedArrival);
    expect(await row.textContent()).toMatch(/晚点 \d+ 分钟/);
    // To 10 m, to 50 m beyond 200 m, and in km (one decimal) from 1 km.
    const rounded = predicted.metresAway < 200 ? Math.max(10, Math.round(predicted.metresAway / 10) * 10) : Math.round(predicted.metresAway / 50) * 50;
    const distance = rounded >= 1000 ? `${(predicted.metresAway / 1000).toFixed(1)} 公里` : `${rounded} 米`;
    expect(await row.locator('.whereabouts').textContent()).toBe(`还有 ${stopsAway} 站 · ${distance}`);
    // The browser is in Shanghai, the feed in UTC: the stop's clock times are the feed's.
    expect(await row.locator('.arrival-clock').textContent()).toBe(utcClock(predicted.predictedArrival));
    await page.waitForSelector('[data-stream="live"]');
    await page.waitForFunction(() => (document.querySelector('[data-testid="announcement"]')?.textContent ?? '').includes('开往'));
    const box = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, width: innerWidth }));
    expect(box.scrollWidth).toBeLessThanOrEqual(box.width); // nothing sideways on a phone
    await screenshot(page, 'go-stop-phone');
    await expectAccessible(page, 'stop arrivals');

    // The live region says where the next bus is too, in stops (the distance is for the eye). Which bus
    // comes first here depends on the clock (the other direction runs by the timetable), so this page is
    // given the stop's real answer less the arrivals no tracked bus runs, and no stream.
    // (Those a minute or more away: one due says "即将进站" and no more.)
    const tracked = api.body.arrivals.filter((arrival: { source: string; stopsAway: number | null; predictedArrival: number }) => arrival.source === 'vehicle' && arrival.stopsAway && arrival.predictedArrival > Date.now() / 1000 + 90);
    expect(tracked.length).toBeGreaterThan(0);
    const near = await newPage({ width: 390, height: 844 });
    await near.route('**/api/v1/transit/stops/*/stream**', (route) => route.abort('connectionrefused'));
    await near.route('**/api/v1/transit/stops/*/arrivals**', (route) => route.fulfill({ json: { ...api.body, arrivals: tracked } }));
    await near.goto(`${server.url}/go/stops/${stopId}?feed=${FEED}`);
    await near.waitForFunction(() => (document.querySelector('[data-testid="announcement"]')?.textContent ?? '').includes('开往'));
    expect(await near.locator('[data-testid="announcement"]').textContent()).toMatch(new RegExp(`^15路，开往[^，]+，\\d+ 分钟后到站，还有 ${tracked[0].stopsAway} 站( · 首站候发)?，实时。$`));

    // The bus stands still for a while: its arrival moves later on the open page, without a reload.
    const time = Math.max(late.time + 1, Math.floor(Date.now() / 1000));
    expect((await push([{ ...late, time }])).accepted).toBe(1);
    await page.waitForFunction(([trip, before]) => Number(document.querySelector(`li.arrival[data-trip="${trip}"]`)?.getAttribute('data-predicted')) > before,
      [late.tripId, predicted.predictedArrival] as const, { timeout: 15_000 });
    late.time = time;
  });

  it('shows the English large-text stop page without violations', async () => {
    const page = await newPage({ width: 390, height: 844 });
    await page.goto(`${server.url}/go/stops/S06?feed=${FEED}&lang=en&large=1`);
    await page.waitForSelector('.arrival');
    expect(await page.locator('h1').textContent()).toBe('新河桥');
    expect(await page.locator('.arrival').first().textContent()).toMatch(/Towards/);
    await screenshot(page, 'go-stop-phone-en-large');
    await expectAccessible(page, 'stop arrivals, English, large text');
    // One stop found is said in the singular.
    await page.goto(`${server.url}/go?feed=${FEED}&q=${encodeURIComponent('新河桥')}&lang=en`);
    expect(await page.getByTestId('stops-found').textContent()).toBe('1 stop found');
    // A stop that does not exist: said in the page's language, no empty board.
    await page.goto(`${server.url}/go/stops/NOPE?feed=${FEED}&lang=en`);
    expect(await page.getByTestId('not-found').textContent()).toContain('There is no stop numbered "NOPE"');
  });

  it('shows the arrivals while the server refuses the stop\'s stream, and goes live when it lets it open', async () => {
    const page = await newPage({ width: 390, height: 844 });
    // As a server with all the streams open it keeps answers: twice, then the stream opens.
    let refused = 0;
    await page.route('**/api/v1/transit/stops/*/stream**', (route) => {
      if (refused === 2) return route.continue();
      refused++;
      return route.fulfill({ status: 503, headers: { 'retry-after': '30' }, contentType: 'application/problem+json', body: JSON.stringify({ status: 503, code: 'too_many_streams' }) });
    });
    await page.goto(`${server.url}/go/stops/S06?feed=${FEED}`);
    await page.waitForSelector('.arrival');
    await page.waitForSelector('[data-stream="down"]');
    // EventSource gives up on an error answer for good; the page opens a new one (after 1 s, then 2 s).
    await page.waitForSelector('[data-stream="live"]', { timeout: 15_000 });
    expect(refused).toBe(2);
  });

  it('marks the buses that end their trip at a stop as taking nobody on, on the stop page and the display', async () => {
    const page = await newPage({ width: 390, height: 844 });
    await page.goto(`${server.url}/go/stops/S12?feed=${FEED}`);
    await page.waitForSelector('.arrival');
    const headsigns = await page.locator('.arrival-headsign').allTextContents();
    expect(headsigns).toContain('终点站 · 不载客'); // route 15 from 人民广场 ends here
    expect(headsigns).toContain('开往 人民广场'); // and leaves from here back
    const board = await newPage({ width: 1920, height: 1080 });
    await board.goto(`${server.url}/board/S12?feed=${FEED}`);
    await board.waitForSelector('.board-row');
    expect(await board.locator('.board-headsign').allTextContents()).toContain('终点站 · 不载客');
  });

  it('says at which bay to board each bus, and which take a wheelchair, on a station\'s page and display, and a bay\'s own on its page', async () => {
    // The same lines, route 15's two ends made the bays 1 (S01) and B2 (S12) of one station, step-free;
    // route 15's buses out take a wheelchair, those back do not, route 42's feed says nothing.
    const { files } = feedAround(Math.floor(Date.now() / 1000));
    const stops = files['stops.txt'].trimEnd().split('\n').map((row, i) => {
      if (i === 0) return `${row},location_type,parent_station,platform_code,wheelchair_boarding`;
      return row.startsWith('S01,') ? `${row},0,HUB,1,` : row.startsWith('S12,') ? `${row},0,HUB,B2,` : `${row},0,,,`;
    });
    const trips = files['trips.txt'].trimEnd().split('\n').map((row, i) => (i === 0 ? `${row},wheelchair_accessible` : `${row},${row.includes(',R15-0-') ? 1 : row.includes(',R15-1-') ? 2 : ''}`));
    const hubFeed = { ...files, 'stops.txt': [...stops, 'HUB,海城枢纽,0,0.03,1,,,1'].join('\n') + '\n', 'trips.txt': trips.join('\n') + '\n' };
    const imported = await fetch(`${server.url}/api/v1/transit/feeds?id=hub`, {
      method: 'POST', body: new Blob([new Uint8Array(zipFiles(hubFeed))]), headers: { 'content-type': 'application/zip', authorization: `Bearer ${duty}` },
    });
    expect(imported.status).toBe(201);
    try {
      const page = await newPage({ width: 390, height: 844 });
      await page.goto(`${server.url}/go/stops/HUB?feed=hub`);
      await page.waitForSelector('.arrival');
      const rows = await page.locator('.arrival').evaluateAll((items) => items.map((item) => [item.getAttribute('data-trip'), item.querySelector('.arrival-platform')?.textContent ?? null, item.querySelector('.wheelchair')?.textContent ?? null]));
      // Route 15 out leaves from bay 1, back from bay B2 (the buses ending their trips there are not on a station's board).
      expect(new Set(rows.map(([trip]) => trip!.slice(0, 6)))).toEqual(new Set(['R15-0-', 'R15-1-']));
      for (const [trip, platform, wheelchair] of rows) {
        expect(platform).toBe(trip!.startsWith('R15-0-') ? '1 号站台' : 'B2 号站台');
        expect(wheelchair).toBe(trip!.startsWith('R15-0-') ? '♿ 无障碍车辆' : '非无障碍车辆');
      }
      expect(await page.getByTestId('stop-wheelchair').textContent()).toBe('♿ 可无障碍上车');
      await page.waitForFunction(() => /^15路，开往.+，在(1|B2) 号站台上车，.+，(无障碍车辆|非无障碍车辆)。$/.test(document.querySelector('[data-testid="announcement"]')?.textContent ?? ''));

      const board = await newPage({ width: 1920, height: 1080 });
      await board.goto(`${server.url}/board/HUB?feed=hub&lang=en`);
      await board.waitForSelector('.board-row');
      const platforms = await board.locator('.board-row .board-platform').allTextContents();
      expect(platforms.length).toBe(await board.locator('.board-row').count());
      expect(new Set(platforms)).toEqual(new Set(['Platform 1', 'Platform B2']));
      // The sign alone, and only for the buses that take a wheelchair (its words for screen readers).
      const signs = await board.locator('.board-row').evaluateAll((items) => items.map((item) => [item.querySelector('.board-platform')?.textContent, item.querySelector('.board-wheelchair')?.textContent ?? null]));
      for (const [platform, sign] of signs) expect(sign).toBe(platform === 'Platform 1' ? '♿Wheelchair accessible' : null);

      await page.goto(`${server.url}/go/stops/S12?feed=hub`);
      await page.waitForSelector('.arrival');
      expect(await page.getByTestId('stop-platform').textContent()).toBe('B2 号站台');
      expect(await page.getByTestId('stop-wheelchair').textContent()).toBe('♿ 可无障碍上车'); // the station's, the bay saying nothing
      expect(await page.locator('.arrival-platform').count()).toBe(0); // said once, in the heading
    } finally {
      await server.request('DELETE', '/api/v1/transit/feeds/hub', { token: duty });
    }
  });

  it('shows the operator\'s service alerts for a stop above its buses, in the page\'s language, on the page and the display', async () => {
    const now = Math.floor(Date.now() / 1000);
    const detour = {
      id: 'detour-15', alert: {
        active_period: [{ start: now - 600, end: now + 3600 }], informed_entity: [{ route_id: 'R15' }], cause: 'CONSTRUCTION', effect: 'DETOUR',
        header_text: { translation: [{ text: '15路因施工绕行', language: 'zh-CN' }, { text: 'Route 15 detours for roadworks', language: 'en' }] },
        description_text: { translation: [{ text: '请到临时站候车。', language: 'zh-CN' }] },
        url: { translation: [{ text: 'https://bus.example/15' }] },
      },
    };
    const lift = { id: 'lift', alert: { informed_entity: [{ stop_id: 'S05' }], effect: 'ACCESSIBILITY_ISSUE', header_text: { translation: [{ text: '电梯维修' }] }, url: { translation: [{ text: 'javascript:alert(1)' }] } } };
    const pushed = await server.request('POST', `/api/v1/transit/realtime?feed=${FEED}`, { token: duty, body: { header: { gtfs_realtime_version: '2.0', timestamp: now }, entity: [detour, lift] } });
    expect(pushed.body).toMatchObject({ alerts: 2, alertsInvalid: 0 });
    try {
      const page = await newPage({ width: 390, height: 844 });
      await page.goto(`${server.url}/go/stops/S05?feed=${FEED}`);
      await page.waitForSelector('.service-alert');
      const alerts = page.getByTestId('service-alerts');
      expect(await alerts.getAttribute('aria-label')).toBe('服务通告');
      expect(await alerts.locator('.service-alert').allInnerTexts()).toEqual([expect.stringMatching(/^⚠\s*绕行\s*15路因施工绕行\s*请到临时站候车。\s*详情$/), expect.stringMatching(/^⚠\s*无障碍设施故障\s*电梯维修$/)]);
      expect(await alerts.locator('a').evaluateAll((links) => links.map((link) => link.getAttribute('href')))).toEqual(['https://bus.example/15']);
      // Above the buses.
      expect(await page.evaluate(() => document.querySelector('.service-alerts')!.compareDocumentPosition(document.querySelector('.arrival-list')!) & Node.DOCUMENT_POSITION_FOLLOWING)).toBeTruthy();
      await expectAccessible(page, 'stop page with alerts');

      // Another stop of route 15 has its detour, not S05's lift.
      await page.goto(`${server.url}/go/stops/S12?feed=${FEED}`);
      await page.waitForSelector('.arrival');
      expect(await page.locator('.service-alert').allInnerTexts()).toEqual([expect.stringContaining('15路因施工绕行')]);

      // Route 15's line diagram: its detour, and the lift of S05, a stop it calls at, above the diagram.
      await page.goto(`${server.url}/go/routes/R15?feed=${FEED}&lang=en`);
      await page.waitForSelector('.service-alert');
      expect(await page.locator('.alert-header').allTextContents()).toEqual(['Route 15 detours for roadworks', '电梯维修']);
      expect(await page.evaluate(() => document.querySelector('.service-alerts')!.compareDocumentPosition(document.querySelector('.direction')!) & Node.DOCUMENT_POSITION_FOLLOWING)).toBeTruthy();
      await expectAccessible(page, 'route page with alerts');

      const board = await newPage({ width: 1920, height: 1080 });
      await board.goto(`${server.url}/board/S05?feed=${FEED}&lang=en`);
      await board.waitForSelector('.board-alerts .service-alert');
      expect(await board.locator('.board-alerts .alert-header').allTextContents()).toEqual(['Route 15 detours for roadworks', '电梯维修']);
      expect(await board.locator('.board-alerts a').count()).toBe(0); // nobody can follow a link on a screen at a stop
      // The rows still fit the screen.
      expect(await board.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight)).toBe(true);
    } finally {
      // An empty message: the pushed alerts are withdrawn.
      await server.request('POST', `/api/v1/transit/realtime?feed=${FEED}`, { token: duty, body: { header: { gtfs_realtime_version: '2.0', timestamp: now }, entity: [] } });
    }
  });

  it('says when the next bus comes where none comes within the hour, on the stop page and the display', async () => {
    // One trip a day, timed to have left three hours ago (UTC): the next is tomorrow's (or tonight's, just after midnight).
    const start = Math.floor(Date.now() / 60_000) * 60 - 3 * 3600;
    const clock = (seconds: number) => { const s = ((seconds % 86_400) + 86_400) % 86_400; return `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:00`; };
    const feed = lineFeed({
      'trips.txt': 'route_id,service_id,trip_id,trip_headsign,direction_id\nR1,ALL,T1,East,0\n',
      'stop_times.txt': ['trip_id,arrival_time,departure_time,stop_id,stop_sequence', ...['A', 'B', 'C', 'D'].map((stop, i) => `T1,${clock(start + i * 300)},${clock(start + i * 300)},${stop},${i + 1}`)].join('\n') + '\n',
    });
    const imported = await fetch(`${server.url}/api/v1/transit/feeds?id=daily`, {
      method: 'POST', body: new Blob([new Uint8Array(zipFiles(feed))]), headers: { 'content-type': 'application/zip', authorization: `Bearer ${duty}` },
    });
    expect(imported.status).toBe(201);
    try {
      const { next } = (await server.request('GET', '/api/v1/transit/stops/B/arrivals?feed=daily')).body;
      expect(next).toMatchObject({ stopId: 'B', routeId: 'R1', tripId: 'T1', headsign: 'East' });
      const at = new Date(next.scheduledArrival * 1000);
      const time = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
      const today = at.toISOString().slice(0, 10) === new Date().toISOString().slice(0, 10);
      const page = await newPage({ width: 390, height: 844 });
      await page.goto(`${server.url}/go/stops/B?feed=daily`);
      await page.getByTestId('next-bus').waitFor();
      expect(await page.getByTestId('next-bus').textContent()).toBe(`下一班：1路，开往East，${today ? '今天' : '明天'} ${time}`);
      expect(await page.locator('.go-empty').textContent()).toContain('未来一小时没有车次');
      await expect.poll(() => page.getByTestId('announcement').textContent()).toBe(`未来一小时没有车次。 下一班：1路，开往East，${today ? '今天' : '明天'} ${time}`);
      const board = await newPage({ width: 1920, height: 1080 });
      await board.goto(`${server.url}/board/B?feed=daily&lang=en`);
      await board.getByTestId('next-bus').waitFor();
      expect(await board.getByTestId('next-bus').textContent()).toBe(`Next bus: Route 1 to East, ${today ? 'today' : 'tomorrow'} at ${time}`);
      await screenshot(board, 'board-next-bus-1920x1080');
      // Where every bus ends its trip, none takes anyone on: none is timetabled to board.
      await page.goto(`${server.url}/go/stops/D?feed=daily`);
      await page.getByTestId('next-bus').waitFor();
      expect(await page.getByTestId('next-bus').textContent()).toBe('本站暂无计划班次');
      await expectAccessible(page, 'stop page with no bus within the hour');
    } finally {
      await server.request('DELETE', '/api/v1/transit/feeds/daily', { token: duty });
    }
  });

  it('says at once that a stop or route does not exist, in Chinese, with the way back', async () => {
    const page = await newPage({ width: 390, height: 844 });
    // The server answers 404 at once: no "Loading…" while a refusal is asked again.
    for (const [path, words, heading, back] of [
      [`/go/stops/NOPE?feed=${FEED}`, '没有站号为“NOPE”的车站', '未找到车站', '查找其他车站'],
      [`/go/routes/NOPE?feed=${FEED}`, '没有“NOPE”这条线路', '未找到线路', '查看全部线路'],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      const notFound = page.getByTestId('not-found');
      await notFound.waitFor({ timeout: 1500 });
      expect(await notFound.textContent()).toContain(words);
      expect(await notFound.textContent()).not.toContain('unknown');
      expect(await notFound.getByRole('link').getAttribute('href')).toBe(`/go?feed=${FEED}`);
      expect(await notFound.getByRole('link').textContent()).toBe(back);
      // A heading and a tab title of its own, not the app's name.
      expect(await page.locator('h1').textContent()).toBe(heading);
      expect(await page.title()).toBe(`${heading} · 数字公交`);
    }
    await screenshot(page, 'go-stop-unknown-phone');
    await expectAccessible(page, 'unknown route');

    // A display set to a stop that does not exist says so, and does not wait to connect.
    const board = await newPage({ width: 1920, height: 1080 });
    await board.goto(`${server.url}/board/NOPE?feed=${FEED}`);
    await board.getByTestId('not-found').waitFor({ timeout: 1500 });
    expect(await board.getByTestId('not-found').textContent()).toContain('没有站号为“NOPE”的车站');
    expect(await board.locator('.go-stream').count()).toBe(0);
    expect(await board.locator('.board').textContent()).not.toContain('连接中');
    // The unknown number is no stop name: the heading says what the screen is.
    expect(await board.locator('h1').textContent()).toBe('电子站牌');
    expect(await board.title()).toBe('未找到车站 · 电子站牌');
    await screenshot(board, 'board-unknown-1920x1080');
    await expectAccessible(board, 'stop display, unknown stop');
  });

  it('draws the route with its buses, the bunched pair and the big gap, with a text alternative', async () => {
    const page = await newPage();
    // A bus stands at the first stop for the next trip out: waiting, with the time it leaves, in no gap.
    const now = Math.floor(Date.now() / 1000);
    expect((await push([{ vehicleId: '沪B-2000', tripId: nextOut.tripId, along: 5, time: now }])).accepted).toBe(1);
    await page.goto(`${server.url}/go/routes/R15?feed=${FEED}`);
    await page.waitForSelector('section.direction[data-direction="0"] .line-vehicle');
    const outbound = page.locator('section.direction[data-direction="0"]');
    expect(await outbound.locator('.line-vehicle[data-gap="bunching"]').count()).toBeGreaterThanOrEqual(1);
    expect(await outbound.locator('.line-vehicle[data-gap="gap"]').count()).toBeGreaterThanOrEqual(1);
    const summary = await outbound.locator('[data-testid="direction-summary"]').textContent();
    expect(summary).toMatch(/\d+ 辆车在线，其中 [1-9]\d* 处串车、[1-9]\d* 处大间隔/);
    expect(summary).toContain('1 辆在首站候发');
    const waiting = outbound.locator('.line-vehicle[data-waiting="true"]');
    expect(await waiting.count()).toBe(1);
    expect(await waiting.textContent()).toContain(`车辆 沪B-2000 在首站 人民广场 候发，${utcClock(nextOut.departure)} 发车`);
    expect(await waiting.getAttribute('data-gap')).toBe('');
    expect(await outbound.locator('.stop-line-stop').first().locator('.stop-line-vehicles-at .line-vehicle[data-waiting="true"]').count()).toBe(1); // under the first stop's name
    expect(await outbound.locator('.stop-line-name').count()).toBe(12);
    await screenshot(page, 'go-route');
    await expectAccessible(page, 'route diagram');
    // Its stops say so too: waiting here at the first stop, and one stop on, as far and waiting there.
    const stopRow = async (stop: string) => {
      await page.goto(`${server.url}/go/stops/${stop}?feed=${FEED}`);
      return page.locator(`li.arrival[data-trip="${nextOut.tripId}"] .whereabouts`).textContent();
    };
    expect(await stopRow('S01')).toBe('在本站候发');
    expect(await stopRow('S02')).toBe('还有 1 站 · 600 米 · 首站候发');
    // Announced a little early (so that nobody misses it), a bus still standing at its first stop is not early.
    const hedged = await newPage();
    await hedged.route('**/api/v1/transit/stops/*/stream**', (route) => route.abort());
    await hedged.route('**/api/v1/transit/stops/S01/arrivals**', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      for (const arrival of body.arrivals) if (arrival.tripId === nextOut.tripId) arrival.delaySeconds = -75;
      await route.fulfill({ response, json: body });
    });
    await hedged.goto(`${server.url}/go/stops/S01?feed=${FEED}`);
    const row = hedged.locator(`li.arrival[data-trip="${nextOut.tripId}"]`);
    await row.locator('.delay').waitFor();
    expect(await row.locator('.delay').textContent()).toBe('准点');
  });

  for (const viewport of [{ width: 1920, height: 1080 }, { width: 3840, height: 2160 }]) {
    it(`fills a ${viewport.width}x${viewport.height} stop display without scrollbars, no token needed`, async () => {
      const page = await newPage(viewport);
      await page.goto(`${server.url}/board/S06?feed=${FEED}`);
      await page.waitForSelector('.board-row.is-live');
      await page.waitForSelector('.board[data-stream="live"]');
      const box = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, scrollHeight: document.documentElement.scrollHeight, width: innerWidth, height: innerHeight }));
      expect(box.scrollWidth).toBeLessThanOrEqual(box.width);
      expect(box.scrollHeight).toBeLessThanOrEqual(box.height);
      const outside = await page.evaluate(() => [...document.querySelectorAll('.board-row, .board-header')].filter((element) => {
        const rect = element.getBoundingClientRect();
        return rect.bottom > innerHeight + 1 || rect.right > innerWidth + 1;
      }).length);
      expect(outside).toBe(0);
      expect(await page.locator('.board-row').count()).toBe(6);
      expect(await page.locator('.board-stop').textContent()).toBe('新河桥');
      // A tracked bus says how many stops it has still to come, under where it goes.
      expect(await page.locator('.board-row.is-live .board-dest .board-where').first().textContent()).toMatch(/^还有 \d+ 站/);
      // The display's clock is the stop's (the feed's zone, UTC), not the browser's (Shanghai).
      const shown = await page.locator('.board-time').textContent();
      const now = Math.floor(Date.now() / 1000);
      expect([utcClock(now - 60), utcClock(now), utcClock(now + 60)]).toContain(shown);
      await screenshot(page, `board-${viewport.width}x${viewport.height}`);
      if (viewport.width === 1920) await expectAccessible(page, 'stop display');
    });
  }

  it('fits a portrait 1080x1920 stop display, its minutes and clock on screen whatever the names', async () => {
    const page = await newPage({ width: 1080, height: 1920 });
    await page.goto(`${server.url}/board/S06?feed=${FEED}&lang=en`);
    await page.waitForSelector('.board-row.is-live');
    const layout = await page.evaluate(() => {
      // The type is sized from the screen's short side, as on a landscape screen of the same size.
      const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
      const cut = [...document.querySelectorAll('.board-row *, .board-header *')].filter((element) => {
        const rect = element.getBoundingClientRect();
        return rect.width > 0 && (rect.right > innerWidth + 1 || rect.bottom > innerHeight + 1);
      }).length;
      const rows = [...document.querySelectorAll('.board-row')].map((row) => {
        const box = row.getBoundingClientRect();
        const minutes = row.querySelector('.board-minutes')!.getBoundingClientRect();
        return minutes.top >= box.top - 1 && minutes.bottom <= box.bottom + 1 && minutes.right <= box.right;
      });
      return { rem, cut, rows, scrollWidth: document.documentElement.scrollWidth, scrollHeight: document.documentElement.scrollHeight };
    });
    expect(layout.rem).toBe(20);
    expect(layout.cut).toBe(0);
    expect(layout.rows.length).toBeGreaterThan(0);
    expect(layout.rows.every(Boolean)).toBe(true);
    expect(layout.scrollWidth).toBeLessThanOrEqual(1080);
    expect(layout.scrollHeight).toBeLessThanOrEqual(1920);
    await screenshot(page, 'board-1080x1920-en');
  });

  it('says plainly, in red, when the arrivals cannot be had, keeps asking, and keeps the cause for the console', async () => {
    for (const [path, viewport] of [[`/board/S06?feed=${FEED}`, { width: 1920, height: 1080 }], [`/go/stops/S06?feed=${FEED}`, { width: 390, height: 844 }]] as const) {
      const page = await newPage(viewport);
      let failing = true;
      await page.route(/\/api\/v1\/transit\/stops\/[^/]+\/arrivals/, (route) => (failing
        ? route.fulfill({ status: 500, contentType: 'application/problem+json', body: JSON.stringify({ title: 'Internal Server Error', status: 500, detail: 'db down' }) })
        : route.continue()));
      await page.goto(`${server.url}${path}`);
      const unavailable = page.getByTestId('unavailable');
      await unavailable.waitFor({ timeout: 8000 });
      expect(await unavailable.textContent()).toBe('暂时无法获取到站信息，正在重试');
      expect(await page.locator('body').textContent()).not.toContain('db down');
      expect(await page.locator('.go-stream').getAttribute('data-stream')).toBe('down');
      if (path.startsWith('/board')) expect(await page.locator('.board').getAttribute('data-stream')).toBe('down');
      await screenshot(page, `${path.startsWith('/board') ? 'board' : 'go-stop'}-unavailable`);
      // The server answers again: the buses come without a reload (the list is asked every 15 s meanwhile).
      failing = false;
      await page.waitForSelector('.board-row, .arrival', { timeout: 20_000 });
      expect(await unavailable.count()).toBe(0);
    }
  }, 90_000);

  it('shows the headway monitor to the operations centre', async () => {
    const page = await newPage({ width: 1440, height: 900 }, duty);
    await page.goto(`${server.url}/ops/transit`);
    await page.waitForSelector('[data-testid="headways"] tbody tr');
    const row = page.locator('[data-testid="headways"] tbody tr[data-route="R15"][data-direction="0"]');
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(Number(cells[1])).toBeGreaterThanOrEqual(4); // live vehicles: those on the road, less the one that does not report
    expect(Number(cells[4])).toBeGreaterThan(0); // headways observed
    expect(cells[0]).toBe('开往 临港中心');
    expect(cells[6]).toBe('3.0'); // scheduled: every 3 minutes
    expect(Number(cells[9])).toBeGreaterThan(0); // the late bus and the one behind it bunched
    expect(await page.locator('h1').textContent()).toBe('公交运行监测');
    // The other way buses are due but none reports: listed all the same, and flagged.
    const westbound = await page.locator('[data-testid="headways"] tbody tr[data-route="R15"][data-direction="1"] td').allTextContents();
    expect(westbound[0]).toBe('开往 人民广场');
    expect(westbound[1]).toBe('0 未见车辆');
    expect(westbound[4]).toBe('0');
    expect(westbound[6]).toBe('3.0');
    // Accuracy is judged per route: one cell spans both directions.
    expect(westbound).toHaveLength(12); // no accuracy cell of its own
    // Stops waiting now, in words: none, or how many and the longest wait with its stop.
    for (const cell of await page.locator('[data-testid="open-gaps"]').allTextContents()) expect(cell.trim()).toMatch(/^(无|\d+ 站，最长 \d+ 分钟（.+）)$/);
    expect(await row.locator('[data-testid="route-accuracy"]').getAttribute('rowspan')).toBe('2');
    // Observed for minutes, not the hour chosen: the page says the figures read low for now.
    // The page asked a moment before this request: a minute boundary may fall between the two.
    const partial = await page.locator('[data-testid="headways-partial"]').textContent();
    const observed = (await server.request('GET', `/api/v1/transit/headways?feed=${FEED}`, { token: duty })).body;
    expect(observed.to - observed.from).toBeLessThan(3600);
    const minutes = Math.floor((observed.to - observed.from) / 60);
    const said = (count: number) => (count <= 0 ? '开始观测不足 1 分钟' : `开始观测仅 ${count} 分钟`);
    expect([said(minutes), said(minutes - 1)].some((text) => partial!.includes(text))).toBe(true);
    // The stops the buses passed between their reports checked what was announced for them.
    const accuracy = page.locator('[data-testid="prediction-accuracy"]');
    await accuracy.waitFor();
    const api = await server.request('GET', `/api/v1/transit/accuracy?feed=${FEED}`, { token: duty });
    expect(api.body.count).toBeGreaterThan(0);
    const shown = `${(api.body.inWindow * 100).toFixed(1)}%`;
    expect(await accuracy.locator('.accuracy-headline strong').textContent()).toBe(shown);
    expect(await accuracy.textContent()).toContain(`已核验预报 ${api.body.count} 条`);
    // A few buses over a few minutes: the share is shown, but too few were checked to flag it against the goal.
    expect(api.body.count).toBeLessThan(100);
    expect(await accuracy.locator('[data-testid="accuracy-too-few"]').textContent()).toContain('核验不足 100 条');
    expect(await accuracy.textContent()).not.toContain('低于目标');
    const r15 = api.body.routes.find((route: { routeId: string }) => route.routeId === 'R15');
    expect(await row.locator('[data-testid="route-accuracy"]').textContent()).toBe(`${(r15.inWindow * 100).toFixed(1)}%`);
    expect(await page.getByTestId('feed-notices').count()).toBe(0); // a feed in good order: nothing to say of it
    // Its calendar ends the day after tomorrow (a test feed's): the operators are told, as validators would.
    const { service } = (await server.request('GET', '/api/v1/transit/feeds', { token: duty })).body.items.find((item: { id: string }) => item.id === FEED);
    expect(service.daysLeft).toBe(2);
    expect(await page.getByTestId('service-period').textContent()).toBe(`时刻表即将到期：最后运营日 ${service.until}，还剩 2 天，请及时导入新的 GTFS。`);
    await screenshot(page, 'ops-transit');
    await expectAccessible(page, 'headway monitor');
  });

  it('tells the operations centre what the import found doubtful in a feed, and where', async () => {
    // Stops listed out of order, and the second trip timed to cross the 2.5 km from the first stop to the last in 30 s.
    const zigzag = listedOrderFeed([0, 3, 1, 4, 2, 5]);
    zigzag['stop_times.txt'] = zigzag['stop_times.txt']!.replace('T2,09:15:00,09:15:00,S5,6', 'T2,09:00:30,09:00:30,S5,6');
    const imported = await fetch(`${server.url}/api/v1/transit/feeds?id=zigzag`, {
      method: 'POST', body: new Blob([new Uint8Array(zipFiles(zigzag))]), headers: { 'content-type': 'application/zip', authorization: `Bearer ${duty}` },
    });
    expect(imported.status).toBe(201);
    const configured = server.app.transit.service.defaultFeed;
    try {
      const page = await newPage({ width: 1440, height: 900 }, duty);
      await page.goto(`${server.url}/ops/transit?feed=zigzag`);
      const notices = page.getByTestId('feed-notices');
      await notices.waitFor();
      expect(await notices.locator('summary').textContent()).toBe('GTFS 数据提示 2 条：时刻表有效，但可能与车辆实际运行不符，相关班次的到站预测会受影响');
      await notices.locator('summary').click();
      const items = notices.locator('li[data-route="R1"]');
      expect(await items.allTextContents()).toEqual([
        '1路：2 个班次的站点可能排错了顺序：4 个站点偏离前后两站之间的路线（stop_times.txt 第 3 行起，stop_sequence）',
        '1路：1 个班次的时刻快得车辆跑不到：涉及 2 个站点，站间车速超过该类车辆的最高速度，时刻或站点位置有误（stop_times.txt 第 13 行起）',
      ]);
      expect(await items.first().getByRole('link').getAttribute('href')).toBe('/go/routes/R1?feed=zigzag');
      await screenshot(page, 'ops-transit-notices');
      await expectAccessible(page, 'headway monitor with feed notices');
      // In English, the same.
      const english = await newPage({ width: 1440, height: 900 }, duty);
      await english.goto(`${server.url}/ops/transit?feed=zigzag&lang=en`);
      await english.getByTestId('feed-notices').waitFor();
      expect(await english.getByTestId('feed-notices').locator('summary').textContent()).toMatch(/^2 GTFS notices: /);
      await english.getByTestId('feed-notices').locator('summary').click();
      expect(await english.getByTestId('feed-notices').locator('li').nth(1).textContent()).toBe('Route 1: 1 trip timed faster than its vehicles go between stops (2 stops concerned): a time or a stop\'s place is wrong (stop_times.txt from line 13)');
      // Asked without ?feed=, the monitor opens on the city's default network (its passenger pages'), not
      // on the first by name.
      server.app.transit.service.defaultFeed = 'zigzag';
      const unnamed = await newPage({ width: 1440, height: 900 }, duty);
      await unnamed.goto(`${server.url}/ops/transit`);
      await unnamed.getByTestId('feed-notices').waitFor();
      expect(await unnamed.locator('#headway-feed').inputValue()).toBe('zigzag');
      server.app.transit.service.defaultFeed = FEED;
      await unnamed.goto(`${server.url}/ops/transit`);
      await expect.poll(() => unnamed.locator('#headway-feed').inputValue()).toBe(FEED);
      expect(await unnamed.getByTestId('feed-notices').count()).toBe(0);
    } finally {
      server.app.transit.service.defaultFeed = configured;
      await server.request('DELETE', '/api/v1/transit/feeds/zigzag', { token: duty });
    }
  });

  it('says first when the feed shown is past its last service day, with the dates', async () => {
    const ended = lineFeed({ 'calendar.txt': 'service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nALL,1,1,1,1,1,0,0,20160104,20160129\n' });
    const imported = await fetch(`${server.url}/api/v1/transit/feeds?id=ended`, {
      method: 'POST', body: new Blob([new Uint8Array(zipFiles(ended))]), headers: { 'content-type': 'application/zip', authorization: `Bearer ${duty}` },
    });
    expect(imported.status).toBe(201);
    const { service } = await imported.json();
    try {
      const page = await newPage({ width: 1440, height: 900 }, duty);
      await page.goto(`${server.url}/ops/transit?feed=ended`);
      const notice = page.getByTestId('service-period');
      await notice.waitFor();
      expect(await notice.textContent()).toBe(`时刻表已过期：运营日期 2016-01-04 至 2016-01-29，已结束 ${-service.daysLeft} 天。今天没有班次按它运行，请导入新的 GTFS。`);
      await expectAccessible(page, 'headway monitor of an expired feed');
      const english = await newPage({ width: 1440, height: 900 }, duty);
      await english.goto(`${server.url}/ops/transit?feed=ended&lang=en`);
      await english.getByTestId('service-period').waitFor();
      expect(await english.getByTestId('service-period').textContent()).toBe(`The timetable has expired: it ran from 2016-01-04 to 2016-01-29, and ended ${-service.daysLeft} days ago. No trip runs by it today: import a new GTFS.`);
    } finally {
      await server.request('DELETE', '/api/v1/transit/feeds/ended', { token: duty });
    }
  });

  // Last, and removed after: with a second feed, pages asked without `?feed=` (the headway monitor) pick one.
  describe('with a second feed', () => {
    beforeAll(async () => {
      const imported = await fetch(`${server.url}/api/v1/transit/feeds?id=${HARBOUR_FEED}`, {
        method: 'POST', body: new Blob([new Uint8Array(zipFiles(harbourFeed(Math.floor(Date.now() / 1000))))]), headers: { 'content-type': 'application/zip', authorization: `Bearer ${duty}` },
      });
      expect(imported.status).toBe(201);
    });

    afterAll(async () => {
      await server?.request('DELETE', `/api/v1/transit/feeds/${HARBOUR_FEED}`, { token: duty });
    });

    /** The operator's predicted arrival for a trip at one pier (a TripUpdate): a time, or a delay. */
    async function predict(tripId: string, pier: number, arrival: { time: number } | { delay: number }, vehicleId?: string) {
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await server.request('POST', `/api/v1/transit/realtime?feed=${HARBOUR_FEED}`, {
        token: duty,
        body: {
          header: { gtfs_realtime_version: '2.0', timestamp },
          entity: [{ id: `tu-${tripId}`, trip_update: { trip: { trip_id: tripId }, ...(vehicleId ? { vehicle: { id: vehicleId } } : {}), timestamp, stop_time_update: [{ stop_sequence: pier, arrival }] } }],
        },
      });
      expect(response.status).toBe(200);
    }

    async function arrivalsAt(pier: number): Promise<Array<{ tripId: string; scheduledArrival: number; predictedArrival: number; live: boolean }>> {
      const response = await server.request('GET', `/api/v1/transit/stops/${harbourStop(pier)}/arrivals?feed=${HARBOUR_FEED}`);
      expect(response.status).toBe(200);
      return response.body.arrivals;
    }

    const announcement = (page: Page) => page.locator('[data-testid="announcement"]').textContent();

    it('asks which network first when the address names none, and says plainly when it names one that does not exist', async () => {
      const page = await newPage({ width: 390, height: 844 });
      await page.goto(`${server.url}/go`);
      const picker = page.getByTestId('network-picker');
      await picker.waitFor();
      expect(await picker.locator('h2').textContent()).toBe('选择公交网络');
      const choices = await picker.locator('.stop-result-id').allTextContents();
      expect(choices.map((text) => text.split(' · ')[0])).toEqual([FEED, HARBOUR_FEED].sort());
      expect(await page.locator('#stop-q').count()).toBe(0); // nothing to search before a network is chosen
      await screenshot(page, 'go-networks-phone');
      await expectAccessible(page, 'network picker');
      // In English, the same choice in English.
      const english = await newPage({ width: 390, height: 844 });
      await english.goto(`${server.url}/go?lang=en`);
      await english.getByTestId('network-picker').waitFor();
      expect(await english.getByTestId('network-picker').locator('h2').textContent()).toBe('Choose a bus network');
      expect(await english.getByTestId('network-picker').locator('.stop-result-id').first().textContent()).toMatch(/ · \d+ routes?, \d+ stops?$/);
      await picker.getByRole('link', { name: new RegExp(HARBOUR_FEED) }).click();
      await page.waitForURL(`**/go?feed=${HARBOUR_FEED}`);
      expect(await page.locator('#network').inputValue()).toBe(HARBOUR_FEED);
      await page.fill('#stop-q', '黄浦江12');
      await page.waitForFunction(() => document.querySelector('.stop-result-name')?.textContent === '黄浦江12号码头');
      expect(await page.locator('.stop-result-towards').first().textContent()).toMatch(/^开往 /);
      // Another network is one choice away, and the search goes with it.
      await page.selectOption('#network', FEED);
      await page.waitForURL((url) => url.searchParams.get('feed') === FEED);
      await page.waitForSelector('[data-testid="stops-found"]');
      expect(await page.getByTestId('stops-found').textContent()).toBe('没有找到车站');
      // A link naming a network that does not exist, or none where one is needed: said in Chinese, with the way to choose.
      for (const [address, words] of [[`/go/stops/S06?feed=nope`, '没有名为“nope”的公交网络'], ['/go/routes/NOPE', '本市有多个公交网络']] as const) {
        await page.goto(`${server.url}${address}`);
        const problem = page.getByTestId('feed-problem');
        await problem.waitFor({ timeout: 1500 });
        expect(await problem.textContent()).toContain(words);
        expect(await problem.getByRole('link').getAttribute('href')).toBe('/go');
      }
      await page.goto(`${server.url}/board/S06?feed=nope`);
      await page.getByTestId('feed-problem').waitFor({ timeout: 1500 });
      expect(await page.getByTestId('feed-problem').textContent()).toContain('请检查本站牌地址中设置的公交网络');
    });

    it('lists the stops of a broad search in number order, and says when there are more than it lists', async () => {
      const page = await newPage({ width: 390, height: 844 });
      await page.goto(`${server.url}/go?feed=${HARBOUR_FEED}&q=${encodeURIComponent('黄浦江')}`);
      await page.waitForSelector('.stop-results a');
      const names = await page.locator('.stop-result-name').allTextContents();
      expect(names).toHaveLength(30);
      expect(names.slice(0, 12)).toEqual(Array.from({ length: 12 }, (_, i) => `黄浦江${i + 1}号码头`));
      const found = await page.getByTestId('stops-found').textContent();
      expect(found).toContain(`找到 ${HARBOUR_STOPS} 个车站`);
      expect(found).toContain('列出前 30 个');
      expect(found).toContain('请输入更完整的站名或站号');
      await screenshot(page, 'go-search-more-phone');
      await expectAccessible(page, 'stop search, more found than listed');
      // Narrowed, the piers past the thirtieth are there.
      await page.fill('#stop-q', '黄浦江3');
      await page.waitForFunction(() => document.querySelectorAll('.stop-result-name').length === 7);
      expect(await page.locator('.stop-result-name').allTextContents()).toEqual([3, 30, 31, 32, 33, 34, 35].map((n) => `黄浦江${n}号码头`));
      expect(await page.getByTestId('stops-found').textContent()).toBe('找到 7 个车站');
    });

    it('names the routes of the stop\'s own feed, and links within it, when the address names no feed', async () => {
      const page = await newPage({ width: 390, height: 844 });
      await page.goto(`${server.url}/go/stops/${harbourStop(5)}`);
      const route = page.locator('.arrival-route').first();
      await route.waitFor();
      await page.waitForFunction(() => document.querySelector('.arrival-route')?.textContent === '7');
      expect(await route.getAttribute('href')).toBe(`/go/routes/HB7?feed=${HARBOUR_FEED}`);
      expect(await page.locator('.stop-meta a').first().getAttribute('href')).toBe(`/board/${harbourStop(5)}?feed=${HARBOUR_FEED}`);
      await page.waitForFunction(() => (document.querySelector('[data-testid="announcement"]')?.textContent ?? '').startsWith('7路'));

      const board = await newPage({ width: 1920, height: 1080 });
      await board.goto(`${server.url}/board/${harbourStop(5)}`);
      await board.waitForSelector('.board-row');
      await board.waitForFunction(() => document.querySelector('.board-route')?.textContent?.endsWith('7') && !document.querySelector('.board-route')?.textContent?.includes('HB'));
    });

    it('tells a screen reader when the next bus changes or becomes due, not when its minutes move', async () => {
      const pier = 10;
      const page = await newPage({ width: 390, height: 844 });
      await page.goto(`${server.url}/go/stops/${harbourStop(pier)}?feed=${HARBOUR_FEED}`);
      await page.waitForSelector('.arrival');
      const next = { tripId: (await page.locator('.arrival').first().getAttribute('data-trip'))! };
      await page.waitForFunction(() => (document.querySelector('[data-testid="announcement"]')?.textContent ?? '').includes('计划'));
      const firstWords = await announcement(page);
      const predictedFirst = (time: number) => page.waitForFunction((value) => Number(document.querySelector('.arrival')?.getAttribute('data-predicted')) === value, time, { timeout: 10_000 });

      // A vehicle is now known to run it: news. (The trip after it comes 10 minutes later, so this one stays next.)
      const at = Math.floor(Date.now() / 1000) + 5 * 60;
      await predict(next.tripId, pier, { time: at }, '沪B-7001');
      await predictedFirst(at);
      await page.waitForFunction((before) => document.querySelector('[data-testid="announcement"]')?.textContent !== before, firstWords);
      const liveWords = await announcement(page);
      expect(liveWords).toMatch(/^7路，开往黄浦江35号码头，[45] 分钟后到站，实时。$/);

      // The same bus three minutes later than said: its row moves, the live region stays quiet.
      await predict(next.tripId, pier, { time: at + 180 }, '沪B-7001');
      await predictedFirst(at + 180);
      expect(await page.locator('.arrival-minutes').first().textContent()).toMatch(/^[78]$/);
      await page.waitForTimeout(1500);
      expect(await announcement(page)).toBe(liveWords);

      // It is about to arrive: news again.
      const soon = Math.floor(Date.now() / 1000) + 20;
      await predict(next.tripId, pier, { time: soon }, '沪B-7001');
      await predictedFirst(soon);
      await page.waitForFunction(() => (document.querySelector('[data-testid="announcement"]')?.textContent ?? '').includes('即将进站'));
      expect(await announcement(page)).toBe('7路，开往黄浦江35号码头，即将进站，实时。');
    });

    it('shows a timetabled bus due within the minute by its time, not as pulling in, on the stop page and the display', async () => {
      // A pier whose next bus is timetabled only (no vehicle known to run it) and over 30 s away; the
      // pages' clocks are then set to 20 s before it (the server's stays true).
      const now = Math.floor(Date.now() / 1000);
      let found: { pier: number; tripId: string; scheduledArrival: number } | undefined;
      for (let pier = 11; pier < 20 && !found; pier++) {
        const [first] = await arrivalsAt(pier);
        if (first && !first.live && first.scheduledArrival > now + 30) found = { pier, ...first };
      }
      expect(found).toBeDefined();
      const { pier, tripId, scheduledArrival } = found!;
      const shown = utcClock(scheduledArrival);
      const page = await newPage({ width: 390, height: 844 });
      await page.clock.setFixedTime((scheduledArrival - 20) * 1000);
      await page.goto(`${server.url}/go/stops/${harbourStop(pier)}?feed=${HARBOUR_FEED}`);
      const row = page.locator(`.arrival[data-trip="${tripId}"].is-scheduled`);
      await row.waitFor();
      expect(await row.locator('.arrival-scheduled-time').textContent()).toBe(shown);
      expect(await row.locator('.arrival-due').count()).toBe(0);
      await page.waitForFunction((text) => document.querySelector('[data-testid="announcement"]')?.textContent === text, `7路，开往黄浦江35号码头，${shown} 到站，计划。`);
      const board = await newPage({ width: 1920, height: 1080 });
      await board.clock.setFixedTime((scheduledArrival - 20) * 1000);
      await board.goto(`${server.url}/board/${harbourStop(pier)}?feed=${HARBOUR_FEED}`);
      const boardRow = board.locator(`.board-row[data-trip="${tripId}"].is-scheduled`);
      await boardRow.waitFor();
      expect(await boardRow.locator('.board-scheduled-time').textContent()).toBe(shown);
      expect(await boardRow.locator('.board-due').count()).toBe(0);
      await screenshot(board, 'board-scheduled-due-1920x1080');
    });

    it('says a bus its operator reports standing at the stop is here now, on the stop page and the display', async () => {
      const pier = 20;
      const now = Math.floor(Date.now() / 1000);
      const coming = (await arrivalsAt(pier)).find((arrival) => !arrival.live && arrival.scheduledArrival > now && arrival.scheduledArrival < now + 600)!;
      expect(coming).toBeDefined();
      // 15 m past the pier by its fix; standing at it by the operator's word (doors open: it can still be caught).
      const response = await server.request('POST', `/api/v1/transit/realtime?feed=${HARBOUR_FEED}`, {
        token: duty,
        body: {
          header: { gtfs_realtime_version: '2.0', timestamp: now },
          entity: [{ id: '沪B-7010', vehicle: { vehicle: { id: '沪B-7010' }, trip: { trip_id: coming.tripId }, position: { latitude: 1, longitude: longitudeAt((pier - 1) * SPACING + 15) }, timestamp: now, current_stop_sequence: pier, current_status: 'STOPPED_AT' } }],
        },
      });
      expect(response.body).toMatchObject({ accepted: 1 });
      const page = await newPage({ width: 390, height: 844 });
      await page.goto(`${server.url}/go/stops/${harbourStop(pier)}?feed=${HARBOUR_FEED}`);
      const row = page.locator(`.arrival[data-trip="${coming.tripId}"].is-live`);
      await row.waitFor();
      // "已到站" where the minutes stand, "正在上下客" where the bus is; said so to a screen reader.
      expect(await row.locator('.arrival-due').textContent()).toBe('已到站');
      expect(await row.locator('.whereabouts').textContent()).toBe('正在上下客');
      await page.waitForFunction(() => (document.querySelector('[data-testid="announcement"]')?.textContent ?? '') === '7路，开往黄浦江35号码头，已到站，实时。');
      const board = await newPage({ width: 1920, height: 1080 });
      await board.goto(`${server.url}/board/${harbourStop(pier)}?feed=${HARBOUR_FEED}`);
      const boardRow = board.locator(`.board-row[data-trip="${coming.tripId}"].is-live`);
      await boardRow.waitFor();
      expect(await boardRow.locator('.board-due').textContent()).toBe('已到站');
      expect(await boardRow.locator('.board-where').count()).toBe(0); // said once, where the minutes stand
      await screenshot(board, 'board-bus-here-1920x1080');
      // The line diagram lists it at the pier, standing there, not approaching the next.
      const route = await newPage();
      await route.goto(`${server.url}/go/routes/HB7?feed=${HARBOUR_FEED}`);
      const bus = route.locator('.line-vehicle[data-vehicle="沪B-7010"]');
      await bus.waitFor();
      expect(await bus.textContent()).toContain('车辆 沪B-7010，停靠 黄浦江20号码头，');
      // Below the pier's name, where the buses at a stop are listed; not above it, where those approaching are.
      expect(await bus.getAttribute('data-standing')).toBe('true');
      const pierRow = route.locator('.stop-line-stop').filter({ has: route.getByRole('link', { name: '黄浦江20号码头', exact: true }) }).first();
      expect(await pierRow.locator('.stop-line-vehicles-at [data-vehicle="沪B-7010"]').count()).toBe(1);
      expect(await pierRow.locator('.stop-line-vehicles-approaching [data-vehicle="沪B-7010"]').count()).toBe(0);
      await pierRow.scrollIntoViewIfNeeded();
      await screenshot(route, 'go-route-bus-here');
      await screenshot(page, 'go-stop-bus-here');
    });

    it('counts down the same minutes, and shows the same lateness, on the stop page and the display', async () => {
      const pier = 30;
      const [late, other] = (await arrivalsAt(pier)).filter((arrival) => !arrival.live && arrival.scheduledArrival > Date.now() / 1000 + 120);
      expect(other).toBeDefined();
      // Three quarters of a minute late: "晚点 1 分钟" on both.
      await predict(late!.tripId, pier, { delay: 45 });
      const board = await newPage({ width: 1920, height: 1080 });
      await board.goto(`${server.url}/board/${harbourStop(pier)}?feed=${HARBOUR_FEED}`);
      await board.waitForSelector(`.board-row[data-trip="${late!.tripId}"].is-live`);
      const page = await newPage({ width: 390, height: 844 });
      await page.goto(`${server.url}/go/stops/${harbourStop(pier)}?feed=${HARBOUR_FEED}`);
      await page.waitForSelector(`.arrival[data-trip="${late!.tripId}"].is-live`);
      expect(await page.locator(`.arrival[data-trip="${late!.tripId}"] .delay`).textContent()).toBe('晚点 1 分钟');
      expect(await board.locator(`.board-row[data-trip="${late!.tripId}"] .board-delay`).textContent()).toBe('晚点 1 分钟');

      // Another bus said to come 4 minutes and 4 seconds from now: both pages go from 4 to 3 minutes within
      // a second of each other, 4 seconds from now.
      const said = Date.now();
      const at = Math.floor(said / 1000) + 244;
      await predict(other!.tripId, pier, { time: at }, '沪B-7002');
      const minutesShown = (target: Page, selector: string) => target.locator(selector).textContent();
      const stopRow = `.arrival[data-trip="${other!.tripId}"][data-predicted="${at}"] .arrival-minutes`;
      const boardRow = `.board-row[data-trip="${other!.tripId}"][data-predicted="${at}"] .board-minutes strong`;
      await page.waitForSelector(stopRow);
      await board.waitForSelector(boardRow);
      await page.waitForTimeout(Math.max(0, at * 1000 - 240_000 - Date.now()) + 1500);
      expect([await minutesShown(page, stopRow), await minutesShown(board, boardRow)]).toEqual(['3', '3']);
      await screenshot(board, 'board-harbour-1920x1080');
      const box = await board.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, scrollHeight: document.documentElement.scrollHeight, width: innerWidth, height: innerHeight }));
      expect(box.scrollWidth).toBeLessThanOrEqual(box.width);
      expect(box.scrollHeight).toBeLessThanOrEqual(box.height);
    });
  });
});
