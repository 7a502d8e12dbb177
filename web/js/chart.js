// chart.js — time series with uPlot (npm "uplot", copied to /vendor by scripts/web-vendor.sh).
import uPlot from '/vendor/uPlot.esm.js';

const palette = ['#1f5fa8', '#b3261e', '#1e6b3a', '#7a4a00', '#6a3d9a', '#00838f', '#5d4037', '#ad1457'];

// series: [{label, data:[...], color?, dash?, scale?}], x: [...] (minutes or seconds).
export function lineChart(el, { x, series, xLabel = 'minutes', yLabel = '', y2Label = null, height = 260, xTime = false, xRange = null }) {
  const width = Math.max(300, el.clientWidth || 600);
  const opts = {
    width, height,
    scales: { x: { time: xTime, ...(xRange ? { range: xRange } : {}) }, y: {}, ...(y2Label ? { y2: {} } : {}) },
    axes: [
      { label: xLabel },
      { label: yLabel },
      ...(y2Label ? [{ scale: 'y2', side: 1, label: y2Label, grid: { show: false } }] : []),
    ],
    series: [{ label: xLabel }, ...series.map((s, i) => ({
      label: s.label, stroke: s.color || palette[i % palette.length], width: 2,
      dash: s.dash, scale: s.scale || 'y', points: { show: s.points !== false },
      spanGaps: true,
    }))],
  };
  const plot = new uPlot(opts, [x, ...series.map((s) => s.data)], el);
  // Follow the card's width (tablet rotation, window resize).
  const ro = new ResizeObserver(() => {
    const w = Math.max(300, el.clientWidth);
    if (Math.abs(w - plot.width) > 4) plot.setSize({ width: w, height });
  });
  ro.observe(el);
  const destroy = plot.destroy.bind(plot);
  plot.destroy = () => { ro.disconnect(); destroy(); };
  return plot;
}
