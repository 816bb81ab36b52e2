// Monte Carlo of the shown run's trades: percentiles of return and drawdown, the probability of
// a loss, and a fan chart (SVG) of the equity percentiles after each trade.
import { clear, field, h, isNum, num, section, signed } from '../ui.js';
import { researchJob, setControls } from './common.js';

const MAX_RUNS = 10000; // the API's limit

export function render(panel, { strategyId, detail }) {
  const runs = h('input', { type: 'number', min: '1', max: String(MAX_RUNS), step: '1', value: '1000', class: 'narrow', 'data-testid': 'mc-runs' });
  const method = h('select', { 'data-testid': 'mc-method' },
    h('option', { value: 'trade_shuffle' }, 'shuffle the trades (same trades, other order)'),
    h('option', { value: 'bootstrap' }, 'bootstrap (draw trades with replacement)'));
  const seed = h('input', { type: 'number', min: '0', step: '1', class: 'narrow', 'data-testid': 'mc-seed' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'mc-run' }, 'Run Monte Carlo');
  const progressBox = h('div');
  const out = h('div', { 'data-testid': 'mc-result' });
  const el = h('form', { class: 'research-form', 'aria-label': 'Monte Carlo settings' },
    h('p', { class: 'muted' }, `Resamples the ${detail.trades_total ?? (detail.trades || []).length} trades of run #${detail.execution_id} (a trade still open at the end counts at the last bar).`),
    h('div', { class: 'row' }, field('Runs', runs), field('Method', method), field('Seed (optional)', seed, 'same seed, same result')),
    submit, progressBox);
  panel.append(section('Monte Carlo', el), out);
  researchJob({
    form: el, button: submit, box: progressBox, strategyId, detail, tab: 'monte-carlo',
    path: `/api/strategies/${strategyId}/monte_carlo/`,
    body: () => {
      const body = { execution_id: detail.execution_id, runs: Number(runs.value), method: method.value };
      if (seed.value !== '') body.seed = Number(seed.value);
      return body;
    },
    // The form resamples this run's trades; a job on another run's, or a fresh run's, says so.
    show: (input) => {
      setControls({ runs, method, seed }, input);
      if (input.execution_id === null || input.execution_id === undefined) return ['the trades of a fresh run, not of this one'];
      return input.execution_id === detail.execution_id ? [] : [`the trades of run #${input.execution_id}`];
    },
    onStart: () => clear(out),
    onResult: (result) => showResult(out, result),
  });
}

function showResult(out, r) {
  const row = (label, p, original) => h('tr', {}, h('th', { scope: 'row' }, label),
    ['p5', 'p50', 'p95'].map((k) => h('td', {}, signed(p[k]))), h('td', {}, signed(original)));
  clear(out,
    section('Percentiles',
      h('p', { 'data-testid': 'mc-prob-loss' }, h('strong', {}, `Probability of a loss: ${num(100 * r.prob_loss, 1)}%`),
        ` (share of the ${r.runs.toLocaleString('en-US')} runs that end below the starting cash) · ${r.method} · seed ${r.seed} · ${r.trades} trades`),
      h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': 'mc-percentiles' },
        h('caption', {}, 'Return and maximum drawdown (%) across the runs; drawdowns measured at trade closes'),
        h('thead', {}, h('tr', {}, ['', '5th percentile', 'Median', '95th percentile', 'This run'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, row('Return', r.return_pct, r.original.return_pct), row('Max drawdown', r.max_drawdown, r.original.max_drawdown))))),
    section('Equity fan', fanChart(r.fan),
      h('ul', { class: 'legend' }, h('li', {}, h('span', { class: 'swatch fan-outer', 'aria-hidden': 'true' }), '5th–95th percentile'),
        h('li', {}, h('span', { class: 'swatch fan-inner', 'aria-hidden': 'true' }), '25th–75th percentile'),
        h('li', {}, h('span', { class: 'swatch strategy', 'aria-hidden': 'true' }), 'Median'))));
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

// Bands p5–p95 and p25–p75 and the median line; x: trades replayed, y: equity.
export function fanChart(fan) {
  const W = 800; const H = 300; const L = 70; const R = 10; const T = 10; const B = 30;
  const points = fan.filter((p) => ['p5', 'p25', 'p50', 'p75', 'p95'].every((k) => isNum(p[k])));
  const box = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'fan', 'data-testid': 'mc-fan', role: 'img',
    'aria-label': points.length ? `Equity fan over ${points[points.length - 1].trade} trades: median ends at ${num(points[points.length - 1].p50)}, 5th to 95th percentile ${num(points[points.length - 1].p5)} to ${num(points[points.length - 1].p95)}` : 'No trades to draw' });
  if (points.length < 2) return box;
  const lo = Math.min(...points.map((p) => p.p5));
  const hi = Math.max(...points.map((p) => p.p95));
  const last = points[points.length - 1].trade || 1;
  const x = (t) => L + ((W - L - R) * t) / last;
  const y = (v) => T + (H - T - B) * (hi === lo ? 0.5 : 1 - (v - lo) / (hi - lo));
  const band = (a, b) => [...points.map((p) => `${x(p.trade)},${y(p[a])}`), ...points.slice().reverse().map((p) => `${x(p.trade)},${y(p[b])}`)].join(' ');
  const ticks = [lo, (lo + hi) / 2, hi];
  box.append(
    ...ticks.map((v) => svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' })),
    ...ticks.map((v) => svg('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, num(v, 0))),
    svg('text', { x: L, y: H - 8 }, '0'), svg('text', { x: W - R, y: H - 8, 'text-anchor': 'end' }, `${last} trades`),
    svg('polygon', { points: band('p95', 'p5'), class: 'outer' }),
    svg('polygon', { points: band('p75', 'p25'), class: 'inner' }),
    svg('polyline', { points: points.map((p) => `${x(p.trade)},${y(p.p50)}`).join(' '), class: 'median' }));
  return box;
}
