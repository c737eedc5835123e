// Helpers the browser tests and the screen benchmark share: accessibility checks with axe-core, picking
// an indicator to push past its threshold, and the org unit it reports at.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { TestServer } from '../server/test/harness.js';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Serious and critical accessibility violations on the page as it is now (WCAG 2.1 A and AA rules). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

export interface PushableIndicator {
  code: string;
  category: string;
  frequencySeconds: number;
  criticalHigh: number;
  org: string;
}

const ORG_FOR_LEVEL: Record<string, string> = { city: 'haicheng', district: 'huangpu', street: 'huangpu-s1', committee: 'huangpu-s1-c1' };

/** Indicators that get worse upwards and have a critical threshold: one per category, fastest first. */
export async function pushableIndicators(server: TestServer, token: string): Promise<PushableIndicator[]> {
  const response = await server.request('GET', '/api/v1/vitals/indicators?limit=2000', { token });
  const byCategory = new Map<string, PushableIndicator>();
  for (const item of response.body.items as { code: string; category: string; frequencySeconds: number; criticalHigh: number | null; direction: string; orgLevels: string[] }[]) {
    if (item.direction !== 'up' || item.criticalHigh === null) continue;
    const org = ORG_FOR_LEVEL[item.orgLevels.includes('district') ? 'district' : item.orgLevels[0]];
    const current = byCategory.get(item.category);
    if (!current || item.frequencySeconds < current.frequencySeconds) {
      byCategory.set(item.category, { code: item.code, category: item.category, frequencySeconds: item.frequencySeconds, criticalHigh: item.criticalHigh, org });
    }
  }
  return [...byCategory.values()].sort((a, b) => a.frequencySeconds - b.frequencySeconds);
}

/**
 * Pushes an indicator past its critical threshold: two observations two reporting intervals apart, so
 * that a threshold rule with a for-duration has seen the breach long enough to fire.
 */
export async function pushCritical(server: TestServer, token: string, indicator: PushableIndicator, now = Date.now()): Promise<void> {
  const value = indicator.criticalHigh + Math.abs(indicator.criticalHigh) * 0.5 + 1;
  const body = [
    { indicator: indicator.code, org: indicator.org, ts: new Date(now - 2 * indicator.frequencySeconds * 1000).toISOString(), value },
    { indicator: indicator.code, org: indicator.org, ts: new Date(now).toISOString(), value },
  ];
  const response = await server.request('POST', '/api/v1/vitals/observations', { token, body });
  if (response.status >= 300) throw new Error(`pushing ${indicator.code} failed: ${response.status} ${JSON.stringify(response.body)}`);
}
