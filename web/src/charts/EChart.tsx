// A React wrapper around one ECharts instance: created once, options merged on change, resized with its
// box. The canvas is hidden from screen readers; `summary` is the chart's text alternative (and `children`
// may add a data table).
import { useEffect, useRef, type ReactNode } from 'react';
import { echarts, type ChartOption } from './echarts';

interface Props {
  option: ChartOption;
  summary: string;
  className?: string;
  /** Replace the option instead of merging (when series are added or removed). */
  replace?: boolean;
  onReady?(chart: echarts.ECharts): void;
  children?: ReactNode;
}

export function EChart({ option, summary, className, replace, onReady, children }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!box.current) return;
    const instance = echarts.init(box.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    onReady?.(instance);
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: !!replace, lazyUpdate: true });
  }, [option, replace]);

  return (
    <figure className={`chart ${className ?? ''}`}>
      <div ref={box} className="chart-canvas" aria-hidden="true" />
      <figcaption className="sr-only">{summary}</figcaption>
      {children}
    </figure>
  );
}
