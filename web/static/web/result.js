// The result of one run: metric tiles beside the benchmark, charts, trades, monthly returns,
// warnings and downloads. Everything shown is read from the execution; derived series (drawdown,
// monthly returns, buy & hold when the API sends no benchmark) are computed here from it.
import { api, qs } from './api.js';
import { researchTabs } from './tabs.js';
import { add, clear, day, download, h, isNum, num, section, showError, signed, statusBadge, tone } from './ui.js';

const TILES = [
  ['metric-return', 'Return', 'Return [%]', 'pct'],
  ['metric-cagr', 'CAGR', 'CAGR [%]', 'pct'],
  ['metric-sharpe', 'Sharpe', 'Sharpe Ratio', 'ratio'],
  ['metric-sortino', 'Sortino', 'Sortino Ratio', 'ratio'],
  ['metric-max-drawdown', 'Max drawdown', 'Max. Drawdown [%]', 'pct'],
  ['metric-win-rate', 'Win rate', 'Win Rate [%]', 'plain%'],
  ['metric-trades', 'Trades', '# Trades', 'int'],
  ['metric-exposure', 'Exposure', 'Exposure Time [%]', 'plain%'],
  ['metric-profit-factor', 'Profit factor', 'Profit Factor', 'ratio'],
];

// Indicators drawn over the price (same scale); oscillators are listed, not overlaid.
const OVERLAYS = new Set(['SMA', 'EMA', 'WMA', 'DEMA', 'TEMA', 'TRIMA', 'KAMA', 'T3', 'MA', 'BBANDS', 'SAR', 'MIDPOINT', 'MIDPRICE', 'HT_TRENDLINE']);

const tsZ = (s) => (/[zZ]|[+-]\d\d:?\d\d$/.test(String(s)) ? String(s) : `${s}Z`);
const month = (s) => new Date(tsZ(s)).toISOString().slice(0, 7);

// The plot is drawn after the run is answered: while it is pending, read the run again every
// 2 s (its JSON always answers 200; the plot page's "not ready" 404 would be logged by the
// browser as an error) and show the link once plot_status says ready.
export const PLOT_POLL_MS = 2000;
const NO_PLOT = { failed: 'The plot could not be drawn.', too_large: 'The plot was too large to keep.' };

function plotLink(detail, reload) {
  if (detail.plot_status === 'pending') {
    const slot = h('span', { class: 'muted', role: 'status', 'data-testid': 'plot-pending' }, 'Plot being drawn…');
    const poll = async () => {
      if (!slot.isConnected) return; // the page moved on
      let fresh = null;
      try {
        fresh = await reload();
      } catch (err) {
        fresh = null; // a moment offline: try again
      }
      if (!slot.isConnected) return;
      if (fresh && fresh.plot_status !== 'pending') slot.replaceWith(plotLink(fresh, reload));
      else setTimeout(poll, PLOT_POLL_MS);
    };
    setTimeout(poll, PLOT_POLL_MS);
    return slot;
  }
  if (detail.plot_url) return h('a', { href: detail.plot_url, target: '_blank', rel: 'noopener', 'data-testid': 'bokeh-plot' }, 'Interactive Bokeh plot');
  return h('span', { class: 'muted', 'data-testid': 'no-plot' }, NO_PLOT[detail.plot_status] || 'No saved plot for this run.');
}

// Where to repair a failed run: the strategy page's "Fix errors" (the button itself when the
// run is shown on that page, else a link to the page).
function fixPointer(strategyId) {
  const here = document.querySelector('[data-testid=fix-errors]');
  if (here) {
    return h('p', {}, h('button', { type: 'button', 'data-testid': 'go-fix-errors', onclick: () => { here.scrollIntoView({ block: 'center' }); here.focus(); } },
      'Go to "Fix errors" below'), ' to repair it: each fix is re-run to prove it works.');
  }
  return h('p', {}, h('a', { href: `#/strategy/${strategyId}`, 'data-testid': 'go-fix-errors' }, 'Open the strategy'), ' and use "Fix errors" to repair it.');
}

// backtesting.py's statistics under its own names ("Return [%]"): `stats` in the current API,
// `metrics` in the first one.
export function statsOf(detail) {
  return { ...(detail.metrics || {}), ...(detail.stats || {}) };
}

export function benchmarkOf(detail) {
  const b = detail.benchmark;
  if (b && isNum(b.return_pct)) return { label: `Buy & hold ${b.symbol || detail.test_symbol}`, returnPct: b.return_pct, equity: b.equity || null };
  const stat = statsOf(detail)['Buy & Hold Return [%]'];
  return isNum(stat) ? { label: `Buy & hold ${detail.test_symbol}`, returnPct: stat, equity: null } : null;
}

function tile(testid, label, value, kind, extra) {
  let text;
  if (kind === 'pct') text = signed(value);
  else if (kind === 'plain%') text = isNum(value) ? `${num(value)}%` : '–';
  else if (kind === 'int') text = isNum(value) ? String(Math.round(value)) : '–';
  else text = isNum(value) ? (value < 0 ? `▼ ${num(value)}` : num(value)) : '–';
  const t = kind === 'pct' || kind === 'ratio' ? tone(value) : 'flat';
  return h('div', { class: `tile ${t}`, 'data-testid': testid },
    h('span', { class: 'tile-label' }, label), h('span', { class: 'tile-value' }, text), extra || null);
}

export function metricTiles(detail) {
  const m = statsOf(detail);
  const bench = benchmarkOf(detail);
  return h('div', { class: 'tiles', role: 'group', 'aria-label': 'Key metrics' },
    TILES.map(([id, label, key, kind]) => tile(id, label, m[key], kind,
      id === 'metric-return' && bench ? h('span', { class: 'tile-sub' }, `${bench.label}: ${signed(bench.returnPct)}`) : null)),
    bench ? tile('metric-benchmark', bench.label, bench.returnPct, 'pct') : null);
}

// Drawdown in percent below the running peak (<= 0), from the equity curve.
export function drawdownSeries(equity, ts) {
  let peak = -Infinity;
  return equity.map((p) => {
    peak = Math.max(peak, p.equity);
    return { time: ts(p.time), value: peak > 0 ? (p.equity / peak - 1) * 100 : 0 };
  });
}

// {year: {1..12: pct, total: pct}} from month-end equity.
export function monthlyReturns(equity) {
  const ends = new Map();
  for (const p of equity) if (isNum(p.equity)) ends.set(month(p.time), p.equity);
  const out = {};
  let prev = equity.length ? equity[0].equity : null;
  const yearStart = {};
  for (const [ym, value] of ends) {
    const [y, m] = ym.split('-').map(Number);
    out[y] = out[y] || {};
    if (yearStart[y] === undefined) yearStart[y] = prev;
    if (prev) out[y][m] = (value / prev - 1) * 100;
    out[y].total = yearStart[y] ? (value / yearStart[y] - 1) * 100 : null;
    prev = value;
  }
  return out;
}

function monthlyTable(equity) {
  const data = monthlyReturns(equity);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const cell = (v) => {
    if (!isNum(v)) return h('td', { class: 'empty' }, '');
    const strength = Math.min(1, Math.abs(v) / 10);
    return h('td', { class: `heat ${tone(v)} s${Math.round(strength * 4)}` }, signed(v, 1));
  };
  return h('table', { class: 'heatmap', 'data-testid': 'monthly-returns' },
    h('caption', {}, 'Monthly returns (%), from month-end equity'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Year'), months.map((m) => h('th', { scope: 'col' }, m)), h('th', { scope: 'col' }, 'Total'))),
    h('tbody', {}, Object.keys(data).sort().map((y) => h('tr', {},
      h('th', { scope: 'row' }, y), months.map((_, i) => cell(data[y][i + 1])), cell(data[y].total)))));
}

const TRADE_COLUMNS = [
  ['entry_time', 'Entry', (v) => day(v)], ['exit_time', 'Exit', (v) => day(v)],
  ['size', 'Size', (v) => (isNum(v) ? String(v) : '–')], ['entry_price', 'Entry price', (v) => num(v)],
  ['exit_price', 'Exit price', (v) => num(v)], ['pnl', 'P&L', (v) => signed(v, 2, '')],
  ['return_pct', 'Return', (v) => signed(isNum(v) ? v * 100 : v)], ['duration_s', 'Days', (v) => (isNum(v) ? num(v / 86400, 1) : '–')],
];

export function tradesTable(trades, total) {
  let sortKey = 'entry_time';
  let ascending = true;
  const tbody = h('tbody');
  const headers = TRADE_COLUMNS.map(([key, label]) => {
    const button = h('button', { type: 'button', class: 'sort', onclick: () => { ascending = sortKey === key ? !ascending : true; sortKey = key; fill(); } }, label);
    return h('th', { scope: 'col', 'data-key': key }, button);
  });
  const fill = () => {
    const rows = [...trades].sort((a, b) => {
      const x = a[sortKey]; const y = b[sortKey];
      const c = x === y ? 0 : x === null || x === undefined ? 1 : y === null || y === undefined ? -1 : x < y ? -1 : 1;
      return ascending ? c : -c;
    });
    headers.forEach((th) => th.setAttribute('aria-sort', th.dataset.key === sortKey ? (ascending ? 'ascending' : 'descending') : 'none'));
    clear(tbody, rows.map((t) => h('tr', { 'data-testid': 'trade-row', class: tone(t.pnl) },
      TRADE_COLUMNS.map(([key, , fmt]) => h('td', {}, fmt(t[key]))))));
  };
  fill();
  const note = total > trades.length ? h('p', { class: 'muted' }, `Showing ${trades.length} of ${total} trades.`) : null;
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': 'trades-table' },
    h('caption', {}, `Trades (${total ?? trades.length}); select a column to sort`), h('thead', {}, h('tr', {}, headers)), tbody), note);
}

function toCsv(trades) {
  const keys = trades.length ? Object.keys(trades[0]) : TRADE_COLUMNS.map(([k]) => k);
  const esc = (v) => (v === null || v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [keys.join(','), ...trades.map((t) => keys.map((k) => esc(t[k])).join(','))].join('\n');
}

// All bars of the run's range: the first page says how many there are, the rest load at once
// (a run of up to 5,000 bars comes in one request).
const OHLCV_PAGE = 5000; // the API's largest page
async function ohlcv(symbol, start, end) {
  const url = (page) => `/api/data/${encodeURIComponent(symbol)}/ohlcv/${qs({ start, end, page, page_size: OHLCV_PAGE })}`;
  const first = await api(url(1));
  const pages = Math.min(50, Math.ceil(first.count / OHLCV_PAGE));
  const rest = await Promise.all(Array.from({ length: Math.max(0, pages - 1) }, (_, i) => api(url(i + 2))));
  return [first, ...rest].flatMap((body) => body.results);
}

async function overlaysFor(spec, symbol, start, end) {
  const out = [];
  const notes = [];
  const wanted = [];
  for (const ind of (spec && spec.indicators) || []) {
    const name = String(ind.indicator || '').toUpperCase();
    const label = `${name}(${Object.values(ind.params || {}).join(', ')})`;
    if (!OVERLAYS.has(name) || ind.source || ind.inputs) { notes.push(label); continue; }
    wanted.push([label, name, ind]);
  }
  // The overlays load in parallel; they are drawn in the spec's order.
  const bodies = await Promise.all(wanted.map(([, name, ind]) => api(`/api/data/indicators/compute/${qs({ symbol, name, params: JSON.stringify(ind.params || {}), start, end })}`)));
  bodies.forEach((body, i) => {
    const label = wanted[i][0];
    for (const [output, points] of Object.entries(body.outputs || {})) {
      out.push({ label: Object.keys(body.outputs).length > 1 ? `${label} ${output}` : label, points: points.filter((p) => isNum(p.value)).map((p) => ({ time: p.time, value: p.value })) });
    }
  });
  return { overlays: out, notes };
}

// Buy & hold equity from the same bars: the run's starting equity times close / entry close.
// backtesting.py measures its "Buy & Hold Return [%]" from the first bar the strategy could trade
// (after indicator warm-up), so the line starts at the bar whose close gives that stat exactly;
// without the stat it starts at the run's first bar.
function buyAndHold(bars, equity, ts, statPct) {
  if (!bars.length || !equity.length) return [];
  const t0 = ts(equity[0].time);
  const t1 = ts(equity[equity.length - 1].time);
  const inRange = bars.filter((b) => ts(b.time) >= t0 && ts(b.time) <= t1);
  if (!inRange.length) return [];
  let from = 0;
  if (isNum(statPct)) {
    const base = inRange[inRange.length - 1].close / (1 + statPct / 100);
    const found = inRange.findIndex((b) => Math.abs(b.close - base) <= 1e-6 * base);
    if (found >= 0) from = found;
  }
  const first = inRange[from].close;
  return inRange.slice(from).map((b) => ({ time: ts(b.time), value: (equity[0].equity * b.close) / first }));
}

function legend(items) {
  return h('ul', { class: 'legend' }, items.map(([label, cls]) => h('li', {}, h('span', { class: `swatch ${cls}`, 'aria-hidden': 'true' }), label)));
}

// Render the run `executionId` of strategy `strategyId` into `container`.
// `spec` may be a promise (the caller loads the strategy while the run loads).
export async function renderExecution(container, strategyId, executionId, { spec: specOrPromise, tab, onTab } = {}) {
  const chartsModule = import('./charts.js'); // loads while the run does
  const [detail, spec] = await Promise.all([api(`/api/strategies/${strategyId}/executions/${executionId}/`), specOrPromise]);
  const equity = detail.equity_curve || [];
  const trades = detail.trades || [];
  const head = h('div', { class: 'result-head' },
    h('h2', {}, `Run #${detail.execution_id} on ${detail.test_symbol}`), statusBadge(detail.status, detail.success),
    h('span', { class: 'muted' }, ` version ${detail.version ?? '–'} · ${day(detail.timestamp)} · ${num(detail.execution_time, 2)} s`));
  clear(container, head);
  container.dataset.executionId = String(detail.execution_id);
  if (!detail.success) {
    const err = { message: `The run failed (${detail.error_type || 'error'}${detail.error_line ? `, line ${detail.error_line}` : ''}): ${detail.error_message || 'no message'}`, code: detail.error_type };
    showError(err);
    add(container, h('div', { class: 'panel failed', 'data-testid': 'run-failed' }, h('p', {}, err.message),
      detail.traceback ? h('details', {}, h('summary', {}, 'Traceback'), h('pre', {}, detail.traceback)) : null,
      fixPointer(strategyId)));
    return detail;
  }
  const warnings = [...(detail.warnings || [])];
  // The API says why there were no trades (with the bars and dates); say it once, in its words.
  if (detail.no_trades && !warnings.some((w) => w && w.code === 'no_trades')) warnings.push({ code: 'no_trades', message: 'The strategy placed no trades on this data.' });
  add(container, 
    metricTiles(detail),
    warnings.length ? h('ul', { class: 'warnings', 'data-testid': 'run-warnings', 'aria-label': 'Warnings' },
      warnings.map((w) => h('li', {}, '⚠ ', typeof w === 'string' ? w : `${w.message}${w.code ? ` (${w.code})` : ''}`))) : null,
  );
  const equityEl = h('div', { class: 'chart', 'data-testid': 'chart-equity', role: 'img', 'aria-label': 'Equity curve with buy and hold' });
  const ddEl = h('div', { class: 'chart small', 'data-testid': 'chart-drawdown', role: 'img', 'aria-label': 'Drawdown below the running peak, percent' });
  const priceEl = h('div', { class: 'chart tall', 'data-testid': 'chart-price', role: 'img', 'aria-label': 'Price candles with entries and exits' });
  const priceNote = h('p', { class: 'muted' });
  const benchNote = h('p', { class: 'muted', 'data-testid': 'benchmark-note' });
  const bench = benchmarkOf(detail);
  add(container, 
    section('Equity', equityEl, legend([['Strategy', 'strategy'], [bench ? bench.label : 'Buy & hold', 'benchmark']]), benchNote),
    section('Drawdown', ddEl),
    section('Price and trades', priceEl, legend([['Buy / short entry (arrow)', 'up'], ['Exit (circle)', 'exit']]), priceNote),
    section('Trades', tradesTable(trades, detail.trades_total)),
    section('Monthly returns', h('div', { class: 'table-wrap' }, monthlyTable(equity))),
    section('Downloads',
      h('div', { class: 'row' },
        h('button', { type: 'button', 'data-testid': 'download-csv', onclick: () => download(`run-${detail.execution_id}-trades.csv`, toCsv(trades), 'text/csv') }, 'Trades (CSV)'),
        h('button', { type: 'button', 'data-testid': 'download-json', onclick: () => download(`run-${detail.execution_id}.json`, JSON.stringify(detail, null, 2), 'application/json') }, 'Whole run (JSON)'),
        h('a', { href: `/api/strategies/${strategyId}/executions/${executionId}/tearsheet/`, target: '_blank', rel: 'noopener', 'data-testid': 'tearsheet-link' },
          'QuantStats tearsheet (against buy & hold)'),
        plotLink(detail, () => api(`/api/strategies/${strategyId}/executions/${executionId}/`)))),
  );
  const start = equity.length ? equity[0].time : undefined;
  const end = equity.length ? equity[equity.length - 1].time : undefined;
  researchTabs(container, head, { strategyId, detail }, { initial: tab, onSelect: onTab }); // the above becomes the Summary tab
  // Price bars, the chart module and indicator series load in parallel.
  const noOverlays = { overlays: [], notes: [] };
  const [charts, bars, overlays] = await Promise.all([
    chartsModule,
    ohlcv(detail.test_symbol, start, end).catch((err) => { priceNote.textContent = `Price data unavailable: ${err.message}`; return []; }),
    spec ? overlaysFor(spec, detail.test_symbol, start, end).catch((err) => { priceNote.textContent = `Indicators unavailable: ${err.message}`; return noOverlays; }) : noOverlays,
  ]);
  // The API's buy & hold curve when it agrees with its own return; else one from the bars
  // (and the disagreement is said, not hidden).
  let benchPoints = [];
  if (bench && bench.equity && bench.equity.length) {
    benchPoints = bench.equity.map((p) => ({ time: charts.ts(p.time), value: p.equity ?? p.value })).filter((p) => isNum(p.value));
    const start = equity.length ? equity[0].equity : null;
    const expected = isNum(start) && isNum(bench.returnPct) ? start * (1 + bench.returnPct / 100) : null;
    const last = benchPoints.length ? benchPoints[benchPoints.length - 1].value : null;
    if (expected !== null && (!isNum(last) || Math.abs(last - expected) > 1e-3 * expected)) {
      benchNote.textContent = `The API's buy & hold curve ends at ${num(last)}, not at the ${signed(bench.returnPct)} it reports (${num(expected)}); the dashed line is computed from the bars instead.`;
      benchPoints = [];
    }
  }
  if (!benchPoints.length) benchPoints = buyAndHold(bars, equity, charts.ts, bench ? bench.returnPct : null);
  charts.equityChart(equityEl, equity, benchPoints);
  if (benchPoints.length) equityEl.dataset.benchmarkFinal = String(benchPoints[benchPoints.length - 1].value);
  charts.drawdownChart(ddEl, drawdownSeries(equity, charts.ts));
  charts.priceChart(priceEl, bars, trades, overlays.overlays);
  if (!priceNote.textContent) {
    const shown = overlays.overlays.map((o) => o.label);
    priceNote.textContent = spec
      ? `Indicators drawn: ${shown.join(', ') || 'none'}${overlays.notes.length ? `; not on the price scale: ${overlays.notes.join(', ')}` : ''}.`
      : 'This strategy has no spec (hand-written or LLM code), so its indicators are not known to the chart.';
  }
  return detail;
}
