// A sparkline as a plain SVG path: dozens of them update every second on the big screen, and a path is far
// cheaper than a chart instance each. The numbers themselves are spoken through `label`.
interface Props {
  values: (number | null)[];
  colour: string;
  label: string;
  width?: number;
  height?: number;
}

export function Sparkline({ values, colour, label, width = 120, height = 32 }: Props) {
  const points = values.map((value, index) => [index, value] as const).filter((p): p is readonly [number, number] => p[1] !== null && Number.isFinite(p[1]));
  if (points.length < 2) return <svg className="sparkline" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} />;
  const min = Math.min(...points.map((p) => p[1]));
  const max = Math.max(...points.map((p) => p[1]));
  const span = max - min || 1;
  const last = values.length - 1 || 1;
  const x = (index: number) => (index / last) * width;
  const y = (value: number) => height - 2 - ((value - min) / span) * (height - 4);
  const line = points.map(([index, value], i) => `${i === 0 ? 'M' : 'L'}${x(index).toFixed(1)},${y(value).toFixed(1)}`).join('');
  const area = `${line}L${x(points[points.length - 1][0]).toFixed(1)},${height}L${x(points[0][0]).toFixed(1)},${height}Z`;
  return (
    <svg className="sparkline" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={label}>
      <path d={area} fill={colour} opacity="0.16" />
      <path d={line} fill="none" stroke={colour} strokeWidth="1.6" vectorEffect="non-scaling-stroke" />
    </svg>
  );
}
