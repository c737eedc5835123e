// The cases pages in a real browser (Debian's Chromium through playwright-core) against a real server on
// the embedded database: the worklist, a case with its timeline and map, the dispatch dialog with the
// classifier's suggestions, a 409 conflict shown plainly, bulk actions all or nothing (with the input a
// step needs), the statistics, the dispatcher's board, department staff's default filter, live updates.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type TestServer } from '../server/test/harness.js';
import { ensureWebBuilt } from '../web/scripts/ensure-built.mjs';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from './browser.js';
import { seriousViolations } from './pages.js';

const SCREENS_DIR = path.resolve('test-results/screens');
const available = chromiumAvailable();
if (!available) process.stdout.write(`\n  SKIPPED cases browser tests: no Chromium at ${CHROMIUM_PATH} (install Debian's chromium, or set CITYPULSE_CHROMIUM)\n\n`);

// The city's own history the classifier learns from: titles in Chinese and English, three departments.
const HISTORY: [string, string][] = [
  ['路灯不亮', 'city_management'], ['路灯损坏 street light broken', 'city_management'], ['street light out', 'city_management'], ['路灯闪烁', 'city_management'],
  ['河道有油污', 'water_authority'], ['河水发黑发臭 river smells', 'water_authority'], ['窨井盖缺失', 'water_authority'], ['sewer overflow', 'water_authority'],
  ['工地夜间施工噪声', 'ecology_environment'], ['construction noise at night', 'ecology_environment'], ['工厂排放黑烟', 'ecology_environment'], ['smoke from factory chimney', 'ecology_environment'],
];

describe.skipIf(!available)('the cases pages in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let duty: string;
  /** A point inside Huangpu's outline, for the case on the map. */
  let huangpuPoint: { lat: number; lon: number };
  const contexts: BrowserContext[] = [];

  async function newPage(viewport = { width: 1440, height: 1000 }, token = duty): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await context.addInitScript((value) => localStorage.setItem('citypulse.token', value), token);
    contexts.push(context);
    return context.newPage();
  }

  async function expectAccessible(page: Page, name: string): Promise<void> {
    const violations = await seriousViolations(page);
    expect(violations, `${name}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
  }

  async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
    const file = path.join(SCREENS_DIR, `${name}.png`);
    await page.screenshot({ path: file, fullPage });
    process.stdout.write(`  screenshot: ${file}\n`);
  }

  async function report(title: string, extra: Record<string, unknown> = {}): Promise<{ id: number; version: number }> {
    const response = await server.request('POST', '/api/v1/cases', { token: duty, body: { title, org: 'huangpu-s1-c1', ...extra } });
    expect(response.status).toBe(201);
    return response.body;
  }

  async function move(id: number, body: Record<string, unknown>) {
    const response = await server.request('POST', `/api/v1/cases/${id}/transitions`, { token: duty, body });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as { id: number; version: number; state: string };
  }

  const getCase = async (id: number) => (await server.request('GET', `/api/v1/cases/${id}`, { token: duty })).body;

  /**
   * Keeps a page from hearing the live case stream, as a page on a dropped connection would: it keeps
   * showing what it read, which is how two people come to act on the same version.
   */
  const withoutLiveUpdates = (page: Page) => page.route('**/api/v1/cases/stream**', (route) => route.abort());

  beforeAll(async () => {
    ensureWebBuilt({ quiet: true });
    server = await startServer();
    ({ browser, close: closeBrowser } = await launchChromium());
    duty = await server.login('duty');
    const admin = await server.login('admin');
    for (const [title, department] of HISTORY) {
      const created = await report(title);
      await move(created.id, { action: 'file', version: 1, category: 'other.general.other' });
      await move(created.id, { action: 'dispatch', version: 2, department });
    }
    const trained = await server.request('POST', '/api/v1/cases/classifier/train', { token: admin });
    expect(trained.status).toBe(200);
    const geojson = await server.request('GET', '/api/v1/orgs/geojson?level=district', { token: duty });
    const huangpu = geojson.body.features.find((feature: { properties: { code: string } }) => feature.properties.code === 'huangpu');
    const ring: [number, number][] = huangpu.geometry.type === 'Polygon' ? huangpu.geometry.coordinates[0] : huangpu.geometry.coordinates[0][0];
    huangpuPoint = { lon: ring.reduce((sum, p) => sum + p[0], 0) / ring.length, lat: ring.reduce((sum, p) => sum + p[1], 0) / ring.length };
    fs.mkdirSync(SCREENS_DIR, { recursive: true });
  }, 120_000);

  // Each console page holds a stream connection: close them so that one test's pages do not hold the next's.
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
  });

  afterAll(async () => {
    await closeBrowser?.();
    await server?.close();
  });

  it('finds a new case by search, opens it, dispatches it with a suggestion and shows the timeline grow', async () => {
    const created = await report('路灯坏了 灯杆倾斜 lamp-e2e-7731', { address: '黄浦路 100 号', ...huangpuPoint });
    await move(created.id, { action: 'file', version: 1, category: 'urban.road.streetlight', priority: 'high' });
    await report('河道油污 unrelated case');

    const page = await newPage();
    await page.goto(`${server.url}/ops/cases`);
    await page.waitForSelector('[data-testid="cases"] tbody tr');
    await expect.poll(() => page.locator('[data-testid="cases"] tbody tr').count()).toBeGreaterThan(2);
    await expectAccessible(page, 'worklist');
    await screenshot(page, 'cases-worklist');

    // By keyboard: type in the search box, Enter submits; the list narrows to the one case.
    await page.focus('#case-q');
    await page.keyboard.type('lamp-e2e-7731');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=lamp-e2e-7731/);
    await expect.poll(() => page.locator('[data-testid="cases"] tbody tr').count()).toBe(1);
    const row = page.locator(`tr[data-case="${created.id}"]`);
    expect(await row.innerText()).toContain('已立案');
    await row.getByRole('link').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/ops/cases/${created.id}$`));

    const timeline = page.locator('[data-testid="timeline"] > li');
    await expect.poll(() => timeline.count()).toBe(2);
    await page.waitForSelector('.case-map canvas');
    const caption = await page.locator('.case-map figcaption').innerText();
    expect(caption).toContain('黄浦');
    expect(caption).toContain(huangpuPoint.lat.toFixed(5));
    await expectAccessible(page, 'case page');

    // The dispatch dialog: the rules' decision and the classifier's top 3 with confidence.
    // The dialog is modal: Escape closes it and focus goes back to the button that opened it.
    const dispatchButton = page.getByRole('button', { name: '派遣', exact: true });
    await dispatchButton.focus();
    await page.keyboard.press('Enter');
    await page.locator('dialog.dispatch-dialog[open]').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('dialog.dispatch-dialog').count()).toBe(0);
    expect(await dispatchButton.evaluate((button) => button === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    const dialog = page.locator('dialog.dispatch-dialog');
    await dialog.locator('[data-testid="classifier-suggestions"] li').first().waitFor();
    const suggestions = dialog.locator('[data-testid="classifier-suggestions"] li');
    expect(await suggestions.count()).toBe(3);
    expect(await suggestions.first().innerText()).toMatch(/置信度 \d+\.\d%/);
    expect(await suggestions.first().innerText()).toContain('市城管执法局');
    expect(await dialog.locator('#dispatch-rule').count()).toBe(1);
    await expectAccessible(page, 'dispatch dialog');
    await screenshot(page, 'cases-dispatch-dialog');
    await suggestions.first().getByRole('button').click();
    expect(await page.locator('#dispatch-department').inputValue()).toBe('city_management');
    await dialog.getByRole('button', { name: '派遣', exact: true }).click();

    await expect.poll(() => page.locator('[data-testid="case-feedback"]').innerText()).toContain('已派遣');
    await expect.poll(() => timeline.count()).toBe(3);
    expect(await timeline.last().innerText()).toContain('派遣');
    expect(await page.locator('[data-testid="case-department"]').innerText()).toContain('市城管执法局');
    expect(await getCase(created.id)).toMatchObject({ state: 'dispatched', department: 'city_management', version: 3 });
    await screenshot(page, 'cases-case-page', true);

    // Large text, high contrast, and English: still no serious violations, the same facts in words.
    await page.getByRole('button', { name: '大字高对比' }).click();
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('h1 .case-state').innerText()).toBe('Dispatched');
    expect(await page.locator('[data-testid="timeline"] > li').last().innerText()).toContain('Dispatch');
    await expectAccessible(page, 'case page, large text, English');
    await screenshot(page, 'cases-case-page-large-en');
  });

  it('takes a case through handling to evaluation with the action forms, and shows a refusal naming the field', async () => {
    const created = await report('电梯困人 lift stuck forms-e2e');
    await move(created.id, { action: 'file', version: 1, category: 'urban.safety.lift', priority: 'urgent' });
    await move(created.id, { action: 'dispatch', version: 2, department: 'market_regulation' });
    const page = await newPage();
    await page.goto(`${server.url}/ops/cases/${created.id}`);
    const timeline = page.locator('[data-testid="timeline"] > li');
    await expect.poll(() => timeline.count()).toBe(3);
    const feedback = page.locator('[data-testid="case-feedback"]');

    await page.getByRole('button', { name: '接单处置' }).click();
    await expect.poll(() => timeline.count()).toBe(4);
    // A photo that is not a link: the server refuses, the page names the field, nothing changes.
    await page.getByRole('button', { name: '处置反馈' }).click();
    await page.locator('#action-report').fill('已救出被困人员，电梯停用待检');
    await page.locator('#action-photos').fill('not-a-link');
    await page.getByRole('button', { name: '确认: 处置反馈' }).click();
    await expect.poll(() => feedback.innerText()).toContain('photos/0');
    expect(await feedback.getAttribute('role')).toBe('alert');
    expect(await getCase(created.id)).toMatchObject({ state: 'in_progress', version: 4 });
    await page.locator('#action-photos').fill('https://example.org/lift.jpg');
    await page.getByRole('button', { name: '确认: 处置反馈' }).click();
    await expect.poll(() => timeline.count()).toBe(5);
    expect(await timeline.last().innerText()).toContain('已救出被困人员');

    await page.getByRole('button', { name: '核查通过' }).click();
    await expect.poll(() => timeline.count()).toBe(6);
    await page.getByRole('button', { name: '结案' }).click();
    await expect.poll(() => timeline.count()).toBe(7);
    await page.getByRole('button', { name: '综合评价' }).click();
    await page.locator('#action-satisfaction').selectOption('4');
    await page.getByRole('button', { name: '确认: 综合评价' }).click();
    await expect.poll(() => timeline.count()).toBe(8);
    expect(await getCase(created.id)).toMatchObject({ state: 'evaluated', satisfaction: 4, onTime: true });
    expect(await page.locator('.case-action-buttons').innerText()).toContain('当前没有可执行的操作');
  });

  it('shows a 409 conflict plainly when the case changed meanwhile, reloads it, and changes nothing', async () => {
    const created = await report('井盖缺失 manhole cover missing conflict-e2e');
    await move(created.id, { action: 'file', version: 1, category: 'urban.road.manhole' });
    const page = await newPage();
    await withoutLiveUpdates(page);
    await page.goto(`${server.url}/ops/cases/${created.id}`);
    await page.waitForSelector('[data-testid="timeline"] > li');
    // Someone else dispatches it while the page still shows version 2.
    await move(created.id, { action: 'dispatch', version: 2, department: 'water_authority' });
    await page.getByRole('button', { name: '派遣', exact: true }).click();
    await page.locator('#dispatch-department').selectOption('transport');
    await page.locator('dialog.dispatch-dialog').getByRole('button', { name: '派遣', exact: true }).click();
    const feedback = page.locator('[data-testid="case-feedback"].case-feedback-conflict');
    await feedback.waitFor();
    expect(await feedback.getAttribute('role')).toBe('alert');
    expect(await feedback.innerText()).toContain('已被他人修改');
    expect(await feedback.innerText()).toContain('当前版本 3');
    // The page now shows the case as it is.
    await expect.poll(() => page.locator('h1 .case-state').innerText()).toBe('已派遣');
    await expect.poll(() => page.locator('[data-testid="timeline"] > li').count()).toBe(3);
    expect(await getCase(created.id)).toMatchObject({ state: 'dispatched', department: 'water_authority', version: 3 });
    await expectAccessible(page, 'case page with a conflict');
    await screenshot(page, 'cases-conflict');
  });

  it('applies one action to several selected cases, and none when one of them changed meanwhile', async () => {
    const first = await report('bulk-e2e 占道经营 one');
    const second = await report('bulk-e2e 占道经营 two');
    const third = await report('bulk-e2e 占道经营 three');
    const page = await newPage();
    await withoutLiveUpdates(page);
    await page.goto(`${server.url}/ops/cases?q=bulk-e2e`);
    await expect.poll(() => page.locator('[data-testid="cases"] tbody tr').count()).toBe(3);
    await page.getByLabel(`选择案件 ${first.id}`).check();
    await page.getByLabel(`选择案件 ${second.id}`).check();
    await page.locator('#bulk-action').selectOption('file');
    await page.locator('#bulk-category').selectOption('urban.appearance.vending');
    await page.getByRole('button', { name: '对所选案件执行' }).click();
    await expect.poll(() => page.locator('.bulk-bar .ok').innerText().catch(() => '')).toContain('2 件');
    expect((await getCase(first.id)).state).toBe('filed');
    expect((await getCase(second.id)).state).toBe('filed');
    expect((await getCase(third.id)).state).toBe('reported');

    // All or nothing: the third is changed by someone else after the page read it, so neither moves.
    await page.goto(`${server.url}/ops/cases?q=bulk-e2e&state=reported`);
    await expect.poll(() => page.locator('[data-testid="cases"] tbody tr').count()).toBe(1);
    const fourth = await report('bulk-e2e 占道经营 four');
    await page.reload();
    await expect.poll(() => page.locator('[data-testid="cases"] tbody tr').count()).toBe(2);
    await page.getByLabel('选择本页全部案件').check();
    await move(third.id, { action: 'file', version: 1, category: 'urban.appearance.vending' });
    await page.locator('#bulk-action').selectOption('decline');
    await page.locator('#bulk-reason').fill('重复上报');
    await page.getByRole('button', { name: '对所选案件执行' }).click();
    const error = page.locator('.bulk-bar .error');
    await error.waitFor();
    expect(await error.innerText()).toContain('所有案件均未改变');
    expect(await error.innerText()).toContain(`case ${third.id}`);
    expect((await getCase(fourth.id)).state).toBe('reported');
    expect((await getCase(third.id)).state).toBe('filed');
    await expectAccessible(page, 'worklist with a bulk refusal');
    await screenshot(page, 'cases-bulk-refused');
  });

  it('shows the statistics with text alternatives', async () => {
    // One case of the history goes all the way too (the lift case above did): handled in time, closed, rated 4 of 5.
    let version = (await getCase(1)).version;
    for (const body of [{ action: 'accept' }, { action: 'handle', report: '已更换灯泡' }, { action: 'verify' }, { action: 'close' }, { action: 'evaluate', satisfaction: 4 }]) {
      version = (await move(1, { ...body, version })).version;
    }
    const page = await newPage();
    await page.goto(`${server.url}/ops/cases/stats`);
    await page.waitForSelector('[data-testid="case-kpis"]');
    await page.waitForSelector('.stats-chart canvas');
    const perDay = await page.locator('#per-day ~ figure figcaption').innerText();
    expect(perDay).toMatch(/共受理 \d+ 件/);
    const opened = Number(/共受理 (\d+) 件/.exec(perDay)![1]);
    expect(opened).toBeGreaterThanOrEqual(HISTORY.length);
    expect(perDay).toContain('结案 2 件');
    const kpis = await page.locator('[data-testid="case-kpis"]').innerText();
    expect(kpis).toContain('按时办结率');
    expect(kpis).toContain('100.0%');
    expect(kpis).toContain('4 / 5');
    expect(kpis).toContain('在办案件');
    expect(await page.locator('section[aria-labelledby="by-district"] table').innerText()).toContain('黄浦');
    await expectAccessible(page, 'statistics');
    await screenshot(page, 'cases-statistics', true);
    // The navigation leads here from every console page.
    expect(await page.locator('nav a[href="/ops/cases"]').count()).toBe(1);
  });

  it('shows the dispatcher board: lanes with counts, overdue highlighted, filters, dispatch from a card, new cases live', async () => {
    await report('board-e2e 共享单车乱停 待立案');
    const filed = await report('board-e2e 路灯不亮 待派遣', { address: '黄浦路 8 号' });
    await move(filed.id, { action: 'file', version: 1, category: 'urban.road.streetlight', priority: 'high' });
    const returned = await report('board-e2e 占道施工 退单');
    await move(returned.id, { action: 'file', version: 1, category: 'urban.road.damage' });
    await move(returned.id, { action: 'dispatch', version: 2, department: 'transport' });
    await move(returned.id, { action: 'return', version: 3, reason: '不属本部门管辖' });
    const handled = await report('board-e2e 垃圾满溢 待核查');
    let version = 1;
    for (const body of [{ action: 'file', category: 'urban.appearance.litter' }, { action: 'dispatch', department: 'city_management' }, { action: 'accept' }, { action: 'handle', report: '已清运' }]) {
      version = (await move(handled.id, { ...body, version })).version;
    }
    const lift = await report('board-e2e 电梯困人 超期', { org: 'binjiang-s1-c1' });
    await move(lift.id, { action: 'file', version: 1, category: 'urban.safety.lift', priority: 'urgent' });
    // Stands in for two hours passing: the urgent lift case (due two hours after filing) is now late, and
    // the escalation job has noticed.
    await server.db.query(`update cases_case set deadline_at = now() - interval '90 minutes' where id = $1`, [lift.id]);
    await server.app.cases.service.escalateOverdue();

    const page = await newPage();
    await page.goto(`${server.url}/ops/cases/board`);
    const lane = (name: string) => page.locator(`section[data-lane="${name}"]`);
    const card = (name: string, id: number) => lane(name).locator(`[data-case="${id}"]`);
    await card('filed', filed.id).waitFor();
    expect(await page.locator('section[data-lane]').evaluateAll((lanes) => lanes.map((element) => element.getAttribute('data-lane'))))
      .toEqual(['reported', 'filed', 'returned', 'dispatched', 'overdue', 'handled']);
    await card('returned', returned.id).waitFor();
    await card('handled', handled.id).waitFor();
    // The lane counts are the server's, and each lane heading says its count to a screen reader.
    const api = (await server.request('GET', '/api/v1/cases/board', { token: duty })).body;
    for (const { lane: name, total } of api.lanes as { lane: string; total: number }[]) {
      expect(await lane(name).locator('[data-testid="lane-count"]').innerText(), name).toBe(String(total));
    }
    const filedTotal = api.lanes.find((entry: { lane: string }) => entry.lane === 'filed').total;
    expect(await page.getByRole('heading', { name: `待派遣，共 ${filedTotal} 件` }).count()).toBe(1);
    const late = card('overdue', lift.id);
    expect(await late.getAttribute('class')).toContain('board-card-late');
    expect(await late.innerText()).toMatch(/已超期 1 小时 \d+ 分/);
    expect(await late.innerText()).toContain('已升级（1 级）');
    expect(await late.innerText()).toContain('滨江');
    const filedText = await card('filed', filed.id).innerText();
    expect(filedText).toContain('路灯');
    expect(filedText).toContain('黄浦');
    expect(filedText).toContain('高');
    expect(filedText).toMatch(/剩余 \d+/);
    expect(filedText).toMatch(/历时 \d+ 分钟/);
    await expect.poll(() => page.locator('[data-testid="cases-live"]').innerText()).toBe('实时更新');
    await expectAccessible(page, 'board');
    await screenshot(page, 'cases-board', true);

    // Filters by district and category, kept in the URL.
    await page.locator('#board-org').selectOption('binjiang');
    await page.waitForURL(/org=binjiang/);
    await expect.poll(() => card('filed', filed.id).count()).toBe(0);
    expect(await card('overdue', lift.id).count()).toBe(1);
    // Two changes in quick succession, the second before the page has redrawn after the first: both hold.
    await page.locator('#board-org').selectOption('');
    await page.locator('#board-category').selectOption('urban.appearance');
    await page.waitForURL((url) => url.search === '?category=urban.appearance');
    await page.waitForURL(/category=urban.appearance/);
    // The previous answer stays on screen while the next loads (the Binjiang one lacks both cases): wait
    // for the litter case, then for the street light to go.
    await card('handled', handled.id).waitFor();
    await expect.poll(() => card('filed', filed.id).count()).toBe(0);
    expect(await card('handled', handled.id).count()).toBe(1);
    await page.getByRole('button', { name: '清除筛选' }).click();
    await card('filed', filed.id).waitFor();

    // One key from the card into the dispatch dialog; the case moves lanes.
    await card('filed', filed.id).getByRole('button', { name: '派遣', exact: true }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('dialog.dispatch-dialog[open]');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('board-e2e 路灯不亮 待派遣');
    await expectAccessible(page, 'board with the dispatch dialog');
    await page.locator('#dispatch-department').selectOption('city_management');
    await dialog.getByRole('button', { name: '派遣', exact: true }).click();
    await expect.poll(() => page.locator('[data-testid="board-feedback"]').innerText()).toContain('已派往 市城管执法局');
    await card('dispatched', filed.id).waitFor();
    expect(await card('filed', filed.id).count()).toBe(0);
    expect(await getCase(filed.id)).toMatchObject({ state: 'dispatched', department: 'city_management', version: 3 });

    // A case reported elsewhere (the hotline, a grid worker) appears without a reload, counted.
    const reportedCount = () => lane('reported').locator('[data-testid="lane-count"]').innerText().then(Number);
    const before = await reportedCount();
    const fresh = await report('board-e2e 井盖松动 新上报');
    await card('reported', fresh.id).waitFor({ timeout: 10_000 });
    expect(await reportedCount()).toBe(before + 1);
    await screenshot(page, 'cases-board-after');

    // Large text, high contrast, and English: the same lanes and facts, still no serious violations.
    await page.getByRole('button', { name: '大字高对比' }).click();
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => lane('filed').locator('h2').innerText()).toContain('To dispatch');
    expect(await card('overdue', lift.id).innerText()).toMatch(/Overdue by 1 h \d+ min/);
    await expectAccessible(page, 'board, large text, English');
    await screenshot(page, 'cases-board-large-en');
  });

  it('shows on the case page what others do to the case, as they do it', async () => {
    const created = await report('live-e2e 路面塌陷');
    await move(created.id, { action: 'file', version: 1, category: 'urban.road.damage', priority: 'urgent' });
    const page = await newPage();
    await page.goto(`${server.url}/ops/cases/${created.id}`);
    const timeline = page.locator('[data-testid="timeline"] > li');
    await expect.poll(() => timeline.count()).toBe(2);
    await expect.poll(() => page.locator('[data-testid="cases-live"]').innerText()).toBe('实时更新');
    await move(created.id, { action: 'dispatch', version: 2, department: 'transport' });
    await expect.poll(() => timeline.count(), { timeout: 10_000 }).toBe(3);
    await expect.poll(() => page.locator('h1 .case-state').innerText()).toBe('已派遣');
    expect(await page.locator('[data-testid="case-department"]').innerText()).toContain('市交通委');
  });

  it("shows department staff their own department's cases by default, removably, and keeps the list live", async () => {
    const env = await server.login('env');
    const dispatchedTo = async (title: string, department: string) => {
      const created = await report(title);
      await move(created.id, { action: 'file', version: 1, category: 'other.general.other' });
      await move(created.id, { action: 'dispatch', version: 2, department });
      return created;
    };
    const mine = await dispatchedTo('dept-e2e 工地扬尘', 'ecology_environment');
    await dispatchedTo('dept-e2e 道路破损', 'transport');
    const page = await newPage(undefined, env);
    await page.goto(`${server.url}/ops/cases?q=dept-e2e`);
    const rows = page.locator('[data-testid="cases"] tbody tr');
    const chip = page.locator('[data-testid="my-department"]');
    await expect.poll(() => chip.innerText()).toContain('只看本部门：市生态环境局');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.locator(`tr[data-case="${mine.id}"]`).count()).toBe(1);
    expect(await page.locator('#case-department').inputValue()).toBe('ecology_environment');
    await expectAccessible(page, 'worklist of a department');
    await screenshot(page, 'cases-my-department');

    // Live: a case dispatched to the department meanwhile appears without a reload.
    const later = await dispatchedTo('dept-e2e 夜间施工噪声', 'ecology_environment');
    await page.locator(`tr[data-case="${later.id}"]`).waitFor({ timeout: 10_000 });

    // The filter can be removed (and the choice stays in the URL), and put back.
    await chip.getByRole('button', { name: '查看全部案件（取消只看本部门）' }).click();
    await page.waitForURL(/department=all/);
    await expect.poll(() => rows.count()).toBe(3);
    expect(await page.locator('#case-department').inputValue()).toBe('');
    await chip.getByRole('button', { name: '只看本部门' }).click();
    await expect.poll(() => rows.count()).toBe(2);

    // The operations centre has no department: it sees every department's cases.
    const centre = await newPage();
    await centre.goto(`${server.url}/ops/cases?q=dept-e2e`);
    await expect.poll(() => centre.locator('[data-testid="cases"] tbody tr').count()).toBe(3);
    expect(await centre.locator('[data-testid="my-department"]').count()).toBe(0);
  });

  it('applies bulk steps that need input: a handling report for several cases, then reopening them with a reason', async () => {
    const ids: number[] = [];
    for (const title of ['bulk-input-e2e 垃圾满溢 one', 'bulk-input-e2e 垃圾满溢 two']) {
      const created = await report(title);
      let version = 1;
      for (const body of [{ action: 'file', category: 'urban.appearance.litter' }, { action: 'dispatch', department: 'city_management' }, { action: 'accept' }]) {
        version = (await move(created.id, { ...body, version })).version;
      }
      ids.push(created.id);
    }
    const page = await newPage();
    await page.goto(`${server.url}/ops/cases?q=bulk-input-e2e`);
    const rows = page.locator('[data-testid="cases"] tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByLabel('选择本页全部案件').check();
    await page.locator('#bulk-action').selectOption('handle');
    // The report is required: without it the form does not go out, and nothing changes.
    await page.getByRole('button', { name: '对所选案件执行' }).click();
    expect(await page.locator('#bulk-report').evaluate((element) => (element as HTMLTextAreaElement).validity.valueMissing)).toBe(true);
    expect((await getCase(ids[0])).state).toBe('in_progress');
    await page.locator('#bulk-report').fill('已清运 bins emptied');
    await expectAccessible(page, 'bulk handling form');
    await screenshot(page, 'cases-bulk-handle');
    await page.getByRole('button', { name: '对所选案件执行' }).click();
    await expect.poll(() => page.locator('.bulk-bar .ok').innerText().catch(() => '')).toContain('处置反馈');
    for (const id of ids) {
      const record = await getCase(id);
      expect(record.state).toBe('handled');
      expect(record.history.at(-1)).toMatchObject({ action: 'handle', data: { report: '已清运 bins emptied' } });
    }

    await expect.poll(() => page.locator(`tr[data-case="${ids[1]}"]`).innerText()).toContain('已反馈');
    await page.getByLabel('选择本页全部案件').check();
    await page.locator('#bulk-action').selectOption('reopen');
    await page.locator('#bulk-reason').fill('现场仍有垃圾');
    await page.getByRole('button', { name: '对所选案件执行' }).click();
    await expect.poll(() => page.locator('.bulk-bar .ok').innerText().catch(() => '')).toContain('核查不通过');
    for (const id of ids) {
      const record = await getCase(id);
      expect(record.state).toBe('in_progress');
      expect(record.history.at(-1)).toMatchObject({ action: 'reopen', reason: '现场仍有垃圾' });
    }
  });
});
