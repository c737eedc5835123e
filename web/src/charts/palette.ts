// Colours shared by charts and pages (kept in step with the CSS custom properties). Separate from the
// ECharts setup so that a page needing only a colour does not pull the chart library in.
export const palette = {
  normal: '#2fd28a',
  warning: '#ffb020',
  critical: '#ff4d5e',
  stale: '#8a94a6',
  noData: '#4a5568',
  accent: '#35d0ff',
  text: '#d8e6ff',
  muted: '#8ea3c7',
  grid: 'rgba(142, 163, 199, 0.18)',
};

/** Health score colour: green at 90+, amber from 70, red below. */
export function scoreColour(score: number | null | undefined): string {
  if (score === null || score === undefined) return palette.noData;
  if (score >= 90) return palette.normal;
  if (score >= 70) return palette.warning;
  return palette.critical;
}
