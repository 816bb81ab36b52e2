// Optimise: a parameter search on the shown run's bars, live progress from the job's events,
// a heat grid of two chosen parameters, the top results, and "apply best" as a new version.
import { api } from '../api.js';
import { clear, field, guard, h, isNum, num, section, signed } from '../ui.js';
import { loadParameters, paramText, paramsForm, researchJob, runSettings, searchFields, settingsNote } from './common.js';

const TOP = 10;

export async function render(panel, { strategyId, detail }) {
  const found = await guard(() => loadParameters(strategyId, detail.version));
  if (!found) return;
  if (!found.parameters.length) {
    panel.append(h('p', {}, `The strategy class ${found.strategy_class || ''} has no class attributes to optimise. Parameters are class attributes (e.g. `, h('code', {}, 'n1 = 10'), ').'));
    return;
  }
  const form = paramsForm(found.parameters);
  const search = searchFields('optimise', found.parameters);
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'optimise-run' }, 'Run optimisation');
  const live = h('p', { class: 'live', 'data-testid': 'optimise-live', 'aria-live': 'polite' });
  const progressBox = h('div');
  const out = h('div', { 'data-testid': 'optimise-result' });
  const el = h('form', { class: 'research-form', 'aria-label': 'Optimisation settings' },
    settingsNote(detail), form.element, search.element, submit, live, progressBox);
  panel.append(section('Optimise parameters', el), out);
  researchJob({
    form: el, button: submit, box: progressBox, strategyId, detail, tab: 'optimise',
    path: `/api/strategies/${strategyId}/optimize/`,
    body: () => ({ ...runSettings(detail), params: form.params(), ...search.values() }),
    show: (input) => [...form.show((input.search || {}).values || {}), ...search.show(input),
      ...(input.symbols ? [`symbols ${input.symbols.join(', ')}`] : [])],
    onStart: () => { clear(out); live.textContent = ''; },
    onEvent: (event, request) => {
      const d = event.data || {};
      if (event.kind !== 'optimizing' || !isNum(d.tried)) return;
      const best = d.best_so_far;
      live.textContent = `Tried ${d.tried.toLocaleString('en-US')} of ${d.total.toLocaleString('en-US')}` +
        (best ? ` · best so far ${request.maximize} ${num(best.value, 3)} at ${paramText(best.params)}` : '');
    },
    onResult: (result) => showResult(out, result, { strategyId }),
  });
}

// Combinations whose run failed are left out of the grid and the table; say how many and why,
// so a grid with missing cells is not read as the whole search.
export function failedNote(heatmap) {
  const failed = heatmap.filter((r) => r.error);
  if (!failed.length) return null;
  const reasons = new Map();
  for (const r of failed) reasons.set(r.error, [...(reasons.get(r.error) || []), r]);
  return h('div', { class: 'warnings', 'data-testid': 'optimise-failed' },
    h('p', {}, h('strong', {}, `⚠ ${failed.length} of ${heatmap.length} combinations failed to run and are not in the results below.`)),
    h('ul', {}, [...reasons].slice(0, 3).map(([reason, rows]) => h('li', {}, `${rows.length} × ${reason} (e.g. ${paramText(rows[0].params)})`))));
}

function showResult(out, result, { strategyId }) {
  const apply = applyBest(result, strategyId);
  clear(out,
    failedNote(result.heatmap),
    section('Best',
      h('p', { 'data-testid': 'optimise-best' }, h('strong', {}, `${result.maximize} ${num(result.best_value, 3)}`), ` with ${paramText(result.best_params)}`,
        ` · return ${signed(result.best_metrics.return_pct)} · ${result.best_metrics.num_trades ?? '–'} trades`),
      h('p', { class: 'muted' }, `${result.tried.toLocaleString('en-US')} of ${result.grid_size.toLocaleString('en-US')} combinations backtested (${result.method}) in ${num(result.seconds, 1)} s, ${num(result.backtests_per_second, 1)} per second, ${result.chunks} chunk(s).`),
      apply),
    result.param_names.length ? heatSection(result) : null,
    section(`Top ${Math.min(TOP, result.heatmap.length)} results`, topTable(result)));
}

function applyBest(result, strategyId) {
  const status = h('p', { 'data-testid': 'applied-version', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'primary', 'data-testid': 'apply-best', onclick: () => guard(async () => {
    button.disabled = true;
    try {
      const version = await api(`/api/strategies/${strategyId}/apply_params/`, { method: 'POST', body: { params: result.best_params, version: result.version } });
      clear(status, `✓ Created version ${version.number} with ${paramText(result.best_params)} (now the current code). `,
        h('a', { href: `#/strategy/${strategyId}`, 'data-testid': 'applied-version-link' }, `Open the strategy to run version ${version.number}`));
    } finally {
      button.disabled = false;
    }
  }) }, `Apply best parameters as a new version (from v${result.version})`);
  return h('div', {}, button, status);
}

// The heat grid: the maximised value per (x, y), the best over the other parameters (as
// backtesting.py's heatmap.groupby([x, y]).max()). Shade by rank; the best cell says so in text.
function heatSection(result) {
  const names = result.param_names;
  const pick = (testid, index) => h('select', { 'data-testid': testid }, names.map((n, i) => h('option', { value: n, selected: i === Math.min(index, names.length - 1) }, n)));
  const xs = pick('heat-x', 1);
  const ys = pick('heat-y', 0);
  const grid = h('div');
  const draw = () => clear(grid, heatTable(result, xs.value, ys.value));
  xs.addEventListener('change', draw);
  ys.addEventListener('change', draw);
  draw();
  return section('Heat grid', names.length > 1 ? h('div', { class: 'row' }, field('Rows', ys), field('Columns', xs)) : null, grid);
}

const key = (v) => JSON.stringify(v);
const sortValues = (values) => [...values].sort((a, b) => (isNum(a) && isNum(b) ? a - b : String(a).localeCompare(String(b))));

export function heatCells(rows, x, y) {
  const cells = new Map();
  for (const row of rows) {
    const k = `${key(row.params[y])}|${key(row.params[x])}`;
    const prev = cells.get(k);
    if (prev === undefined || (isNum(row.value) && (!isNum(prev) || row.value > prev))) cells.set(k, row.value);
  }
  return cells;
}

function heatTable(result, x, y) {
  const rows = result.heatmap.filter((r) => !r.error);
  const xv = sortValues(new Set(rows.map((r) => r.params[x])));
  const yv = sortValues(new Set(rows.map((r) => r.params[y])));
  const cells = heatCells(rows, x, y);
  const values = [...cells.values()].filter(isNum).sort((a, b) => a - b);
  const best = (v) => isNum(v) && isNum(result.best_value) && v === result.best_value;
  const shade = (v) => (values.length > 1 ? Math.round((4 * values.indexOf(v)) / (values.length - 1)) : 4);
  const label = (v) => (v === null ? 'None' : String(v));
  const single = x === y;
  return h('div', { class: 'table-wrap' }, h('table', { class: 'heatmap grid', 'data-testid': 'optimise-heatmap' },
    h('caption', {}, `${result.maximize} by ${y} (rows) and ${x} (columns), the best over any other parameter; darker is higher; ★ the best; – no trades.`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, single ? y : `${y} \\ ${x}`), single ? h('th', { scope: 'col' }, result.maximize) : xv.map((v) => h('th', { scope: 'col' }, label(v))))),
    h('tbody', {}, yv.map((yval) => h('tr', {}, h('th', { scope: 'row' }, label(yval)),
      (single ? [yval] : xv).map((xval) => {
        const v = cells.get(`${key(yval)}|${key(xval)}`);
        if (v === undefined) return h('td', { class: 'empty' }, '');
        if (!isNum(v)) return h('td', { class: 'empty', title: 'no trades' }, '–');
        return h('td', { class: `hm s${shade(v)}${best(v) ? ' best' : ''}`, 'data-best': best(v) ? 'true' : null },
          best(v) ? [h('span', { 'aria-hidden': 'true' }, '★ '), h('span', { class: 'sr-only' }, 'best: ')] : null, num(v, 2));
      }))))));
}

function topTable(result) {
  const ranked = result.heatmap.filter((r) => !r.error)
    .sort((a, b) => (isNum(b.value) ? b.value : -Infinity) - (isNum(a.value) ? a.value : -Infinity)).slice(0, TOP);
  const names = result.param_names;
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': 'optimise-top' },
    h('caption', {}, `Best combinations by ${result.maximize}`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '#'), names.map((n) => h('th', { scope: 'col' }, n)),
      ['Value', 'Return', 'Trades', 'Sharpe', 'Max drawdown', 'Win rate'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ranked.map((r, i) => h('tr', { 'data-testid': 'optimise-top-row' }, h('td', {}, i === 0 ? '★ 1' : String(i + 1)),
      names.map((n) => h('td', {}, r.params[n] === null ? 'None' : String(r.params[n]))),
      h('td', {}, num(r.value, 3)), h('td', {}, signed(r.metrics.return_pct)), h('td', {}, String(r.metrics.num_trades ?? '–')),
      h('td', {}, num(r.metrics.sharpe_ratio)), h('td', {}, signed(r.metrics.max_drawdown_pct)), h('td', {}, isNum(r.metrics.win_rate_pct) ? `${num(r.metrics.win_rate_pct)}%` : '–'))))));
}
