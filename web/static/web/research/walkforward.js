// Walk-forward: the parameter search on each train window, tested on the bars after it; the
// windows, and the out-of-sample equity of the test windows chained.
import { clear, day, field, guard, h, num, section, signed } from '../ui.js';
import { loadParameters, paramText, paramsForm, researchJob, runSettings, searchFields, setControls, settingsNote } from './common.js';

const MIN_BARS = 20; // the API's smallest window

export async function render(panel, { strategyId, detail }) {
  const found = await guard(() => loadParameters(strategyId, detail.version));
  if (!found) return;
  const bars = detail.bars || (detail.equity_curve || []).length;
  const train = h('input', { type: 'number', min: String(MIN_BARS), step: '1', value: String(Math.max(MIN_BARS, Math.round(bars / 4))), class: 'narrow', 'data-testid': 'wf-train-bars' });
  const test = h('input', { type: 'number', min: String(MIN_BARS), step: '1', value: String(Math.max(MIN_BARS, Math.round(bars / 8))), class: 'narrow', 'data-testid': 'wf-test-bars' });
  const anchored = h('input', { type: 'checkbox', 'data-testid': 'wf-anchored' });
  const form = paramsForm(found.parameters);
  const search = searchFields('wf', found.parameters);
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'wf-run' }, 'Run walk-forward');
  const progressBox = h('div');
  const out = h('div', { 'data-testid': 'wf-result' });
  const el = h('form', { class: 'research-form', 'aria-label': 'Walk-forward settings' },
    settingsNote(detail),
    h('div', { class: 'row' }, field('Train bars per window', train), field('Test bars per window', test, `the run has ${bars.toLocaleString('en-US')} bars; full windows only`),
      h('label', { class: 'check' }, anchored, ' Anchored (every train window starts at the first bar)')),
    form.element, search.element, submit, progressBox);
  panel.append(section('Walk-forward analysis', el), out);
  researchJob({
    form: el, button: submit, box: progressBox, strategyId, detail, tab: 'walk-forward',
    path: `/api/strategies/${strategyId}/walk_forward/`,
    body: () => ({ ...runSettings(detail), params: form.params(), ...search.values(), train_bars: Number(train.value), test_bars: Number(test.value), anchored: anchored.checked }),
    show: (input) => {
      setControls({ train_bars: train, test_bars: test, anchored }, input);
      return [...form.show((input.search || {}).values || {}), ...search.show(input)];
    },
    onStart: () => clear(out),
    onResult: (result) => showResult(out, result),
  });
}

async function showResult(out, result) {
  const chartEl = h('div', { class: 'chart', 'data-testid': 'wf-oos-chart', role: 'img', 'aria-label': 'Out-of-sample equity: the test windows chained' });
  const range = (a, b) => `${day(a)} – ${day(b)}`;
  clear(out,
    section('Out-of-sample',
      h('p', { 'data-testid': 'wf-oos-return' }, h('strong', {}, `Out-of-sample return ${signed(result.oos_return_pct)}`),
        ` over ${result.windows.length} test window(s), ${result.anchored ? 'anchored' : 'rolling'}, maximising ${result.maximize}.`),
      chartEl, h('p', { class: 'muted' }, result.note)),
    section('Windows', h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': 'wf-windows' },
      h('caption', {}, 'Each window: the best parameters on its train bars, then their run on the test bars'),
      h('thead', {}, h('tr', {}, ['#', 'Train', 'Test', 'Best parameters', `Train ${result.maximize}`, 'Test return', 'Test trades', 'Test Sharpe', 'Test max drawdown'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, result.windows.map((w) => h('tr', { 'data-testid': 'wf-window-row' },
        h('td', {}, String(w.index + 1)), h('td', {}, `${range(w.train_start, w.train_end)} (${w.train_bars})`), h('td', {}, `${range(w.test_start, w.test_end)} (${w.test_bars})`),
        h('td', {}, paramText(w.best_params)), h('td', {}, num(w.train_value, 3)), h('td', {}, signed(w.test_metrics.return_pct)),
        h('td', {}, String(w.test_metrics.num_trades ?? '–')), h('td', {}, num(w.test_metrics.sharpe_ratio)), h('td', {}, signed(w.test_metrics.max_drawdown_pct)))))))));
  const charts = await import('../charts.js');
  charts.equityChart(chartEl, result.oos_equity.filter((p) => p.equity !== null), null);
}
