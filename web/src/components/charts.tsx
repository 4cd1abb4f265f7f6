// Charts: echarts (only the bar and pie charts and the components used are bundled) and a
// uPlot time series for traffic over time.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { bytes, localTime, num, utcTime } from '../format.ts';

echarts.use([BarChart, PieChart, GridComponent, TooltipComponent, CanvasRenderer]);

export interface Bar {
  key: string;
  label: string;
  value: number;
  color?: string;
}

/** Horizontal bars, largest first; clicking a bar calls onPick with its key. */
export function Bars({ data, onPick, height, label }: { data: Bar[]; onPick?: (key: string) => void; height?: number; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const h = height ?? Math.max(120, data.length * 26 + 30);
  useEffect(() => {
    if (el.current === null) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'canvas' });
    const rows = [...data].reverse();
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'item', formatter: (p: { name: string; value: number }) => `${p.name}: ${num(p.value)}` },
      xAxis: { type: 'value', axisLabel: { formatter: (v: number) => num(v) }, splitLine: { lineStyle: { color: '#eee' } } },
      yAxis: { type: 'category', data: rows.map((d) => d.label), axisLabel: { width: 170, overflow: 'truncate' } },
      series: [{
        type: 'bar',
        data: rows.map((d) => ({ value: d.value, name: d.label, itemStyle: { color: d.color ?? '#2f6f9f' } })),
        label: { show: true, position: 'right', formatter: (p: { value: number }) => num(p.value) },
        barMaxWidth: 18,
        cursor: onPick !== undefined ? 'pointer' : 'default',
      }],
    });
    chart.on('click', (p) => {
      const i = (p as { dataIndex: number }).dataIndex;
      const row = rows[i];
      if (row !== undefined) pick.current?.(row.key);
    });
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      chart.dispose();
    };
  }, [data, onPick]);
  return (
    <div>
      <div ref={el} style={{ height: h }} role="img" aria-label={`${label}: ${data.map((d) => `${d.label} ${d.value}`).join(', ')}`} />
      <table className="sr-only"><caption>{label}</caption><tbody>{data.map((d) => <tr key={d.key}><th>{d.label}</th><td>{d.value}</td></tr>)}</tbody></table>
    </div>
  );
}

/** Flows and bytes per time bucket. */
export function Traffic({ points, bucket }: { points: { ts: number; flows: number; bytes: number }[]; bucket: number }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (el.current === null || points.length === 0) return;
    const data: uPlot.AlignedData = [points.map((p) => p.ts), points.map((p) => p.flows), points.map((p) => p.bytes)];
    const width = el.current.clientWidth || 800;
    const plot = new uPlot({
      width,
      height: 220,
      scales: { x: { time: true }, flows: { auto: true }, bytes: { auto: true } },
      axes: [
        {},
        { scale: 'flows', label: 'flows', values: (_u, v) => v.map((x) => num(x)) },
        { scale: 'bytes', side: 1, label: 'bytes', values: (_u, v) => v.map((x) => bytes(x)), grid: { show: false } },
      ],
      series: [
        { value: (_u, v) => (v === null ? '–' : `${localTime(v)} (${utcTime(v)})`) },
        { label: 'Flows', scale: 'flows', stroke: '#2f6f9f', fill: 'rgba(47,111,159,0.12)', width: 1.5, value: (_u, v) => (v === null ? '–' : num(v)) },
        { label: 'Bytes', scale: 'bytes', stroke: '#d9822b', width: 1.5, value: (_u, v) => (v === null ? '–' : bytes(v)) },
      ],
    }, data, el.current);
    const ro = new ResizeObserver(() => plot.setSize({ width: el.current?.clientWidth ?? width, height: 220 }));
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [points, bucket]);
  return <div ref={el} className="traffic" role="img" aria-label={`Traffic over time in buckets of ${bucket} seconds`} />;
}
