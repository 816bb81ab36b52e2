// Charts of a run: lightweight-charts (canvas) for equity, drawdown and price. Loaded on demand.
import {
  AreaSeries, CandlestickSeries, LineSeries, LineStyle, createChart, createSeriesMarkers,
} from '../vendor/lightweight-charts-5.3.0/lightweight-charts.standalone.production.mjs';

// API times are ISO strings, some without a zone (bars are UTC): seconds since the epoch.
export function ts(iso) {
  const s = String(iso);
  const zoned = /[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`;
  return Math.floor(Date.parse(zoned) / 1000);
}

// Strictly ascending, one point per time, finite values only (what the library requires).
export function series(points) {
  const out = [];
  for (const p of points) {
    if (!Number.isFinite(p.time) || (p.value !== undefined && !Number.isFinite(p.value))) continue;
    if (out.length && p.time <= out[out.length - 1].time) continue;
    out.push(p);
  }
  return out;
}

const COLORS = { strategy: '#1f5fbf', benchmark: '#7a5c00', drawdown: '#b3261e', up: '#1b7f3b', down: '#b3261e' };
export const SERIES_COLORS = COLORS;
const OVERLAY_COLORS = ['#8e44ad', '#d35400', '#16a085', '#2c3e50'];

function baseChart(el, height) {
  return createChart(el, {
    height,
    autoSize: true,
    // The attribution logo injects a <style> element, which the page's CSP refuses; the
    // attribution the licence asks for is the page footer's link instead.
    layout: { background: { color: '#ffffff' }, textColor: '#222', fontFamily: 'system-ui, sans-serif', attributionLogo: false },
    grid: { vertLines: { color: '#eef0f3' }, horzLines: { color: '#eef0f3' } },
    // Thousands of daily bars in a ~800 px chart: allow thin bars so the whole run fits.
    timeScale: { borderColor: '#c8ccd2', minBarSpacing: 0.05 },
    rightPriceScale: { borderColor: '#c8ccd2' },
  });
}

// equity: [{time, equity}]; benchmark: [{time, value}] or null.
export function equityChart(el, equity, benchmark) {
  const chart = baseChart(el, 300);
  chart.addSeries(LineSeries, { color: COLORS.strategy, lineWidth: 2, title: 'Strategy' })
    .setData(series(equity.map((p) => ({ time: ts(p.time), value: p.equity }))));
  if (benchmark && benchmark.length) {
    chart.addSeries(LineSeries, { color: COLORS.benchmark, lineWidth: 2, lineStyle: LineStyle.Dashed, title: 'Buy & hold' })
      .setData(series(benchmark));
  }
  chart.timeScale().fitContent();
  return chart;
}

export function drawdownChart(el, drawdown) {
  const chart = baseChart(el, 180);
  chart.addSeries(AreaSeries, {
    lineColor: COLORS.drawdown, topColor: 'rgba(179,38,30,0.05)', bottomColor: 'rgba(179,38,30,0.35)',
    invertFilledArea: true, lineWidth: 1, title: 'Drawdown %',
  }).setData(series(drawdown));
  chart.timeScale().fitContent();
  return chart;
}

// bars: [{time, open, high, low, close}]; trades: API trades; overlays: [{label, points}].
export function priceChart(el, bars, trades, overlays) {
  const chart = baseChart(el, 360);
  const candles = chart.addSeries(CandlestickSeries, {
    upColor: COLORS.up, downColor: COLORS.down, borderVisible: false, wickUpColor: COLORS.up, wickDownColor: COLORS.down,
  });
  candles.setData(series(bars.map((b) => ({ time: ts(b.time), open: b.open, high: b.high, low: b.low, close: b.close }))));
  overlays.forEach((o, i) => {
    chart.addSeries(LineSeries, { color: OVERLAY_COLORS[i % OVERLAY_COLORS.length], lineWidth: 1, title: o.label, lastValueVisible: false, priceLineVisible: false })
      .setData(series(o.points));
  });
  const markers = [];
  for (const t of trades) {
    const long = (t.size || 0) >= 0;
    if (t.entry_time) markers.push({ time: ts(t.entry_time), position: long ? 'belowBar' : 'aboveBar', color: long ? COLORS.up : COLORS.down, shape: long ? 'arrowUp' : 'arrowDown', text: long ? 'Buy' : 'Short' });
    if (t.exit_time) markers.push({ time: ts(t.exit_time), position: long ? 'aboveBar' : 'belowBar', color: '#444', shape: 'circle', text: 'Exit' });
  }
  markers.sort((a, b) => a.time - b.time);
  createSeriesMarkers(candles, markers);
  chart.timeScale().fitContent();
  return chart;
}

// Several equity curves on one chart, each rebased to 100 so different cash compares.
export function compareChart(el, curves) {
  const chart = baseChart(el, 320);
  const palette = ['#1f5fbf', '#b3261e', '#1b7f3b', '#7a5c00', '#8e44ad', '#d35400', '#16a085', '#2c3e50'];
  curves.forEach((c, i) => {
    const first = c.points.find((p) => Number.isFinite(p.equity) && p.equity !== 0);
    if (!first) return;
    chart.addSeries(LineSeries, { color: palette[i % palette.length], lineWidth: 2, title: c.label, lineStyle: i >= palette.length ? LineStyle.Dashed : LineStyle.Solid })
      .setData(series(c.points.map((p) => ({ time: ts(p.time), value: (100 * p.equity) / first.equity }))));
  });
  chart.timeScale().fitContent();
  return { chart, palette };
}
