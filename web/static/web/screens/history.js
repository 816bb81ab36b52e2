// History (my strategies and their runs, filtered and paged) and Compare (runs side by side).
import { api, qs } from '../api.js';
import { boot, navigate } from '../app.js';
import { benchmarkOf, statsOf } from '../result.js';
import { clear, dateTime, field, guard, h, isNum, num, section, signed, statusBadge, tone } from '../ui.js';
import { symbols } from './common.js';

const PAGE_SIZE = 10;
const selected = new Map(JSON.parse(sessionStorage.getItem('compareRuns') || '[]'));
const keep = () => sessionStorage.setItem('compareRuns', JSON.stringify([...selected]));

// Runs of a page of strategies: the executions endpoint when the server has it, else each
// strategy's execution history (filters applied here).
async function loadPage(filters, page) {
  if (boot.features.executions) {
    const body = await api(`/api/executions/${qs({ page, page_size: PAGE_SIZE * 5, symbol: filters.symbol, status: filters.status, created_after: filters.after, created_before: filters.before, ordering: '-timestamp', search: filters.search })}`);
    const byStrategy = new Map();
    for (const run of body.results) {
      const sid = run.strategy_id ?? run.strategy;
      if (!byStrategy.has(sid)) byStrategy.set(sid, { strategy: { id: sid, name: run.strategy_name || `Strategy ${sid}` }, runs: [] });
      byStrategy.get(sid).runs.push(run);
    }
    return { items: [...byStrategy.values()], count: body.count, unit: 'runs', pages: Math.ceil(body.count / (PAGE_SIZE * 5)) };
  }
  const body = await api(`/api/strategies/${qs({ page, page_size: PAGE_SIZE, search: filters.search, ordering: '-updated_at' })}`);
  const items = await Promise.all(body.results.map(async (strategy) => {
    const history = await api(`/api/strategies/${strategy.id}/execution_history/${qs({ limit: 50 })}`);
    const runs = history.executions.filter((r) => (!filters.symbol || r.test_symbol === filters.symbol)
      && (!filters.status || (filters.status === 'success' ? r.success : !r.success))
      && (!filters.after || r.timestamp >= filters.after) && (!filters.before || r.timestamp.slice(0, 10) <= filters.before));
    return { strategy, runs };
  }));
  return { items, count: body.count, unit: 'strategies', pages: Math.ceil(body.count / PAGE_SIZE) };
}

export async function renderHistory(view) {
  const search = h('input', { type: 'search', name: 'search', 'data-testid': 'history-search', placeholder: 'name or description' });
  const symbol = h('select', { 'data-testid': 'history-symbol' }, h('option', { value: '' }, 'any'), (await symbols()).map((s) => h('option', { value: s.symbol }, s.symbol)));
  const status = h('select', { 'data-testid': 'history-status' }, h('option', { value: '' }, 'any'), h('option', { value: 'success' }, 'succeeded'), h('option', { value: 'failed' }, 'failed'));
  const after = h('input', { type: 'date', 'data-testid': 'history-after' });
  const before = h('input', { type: 'date', 'data-testid': 'history-before' });
  const list = h('ul', { class: 'list', 'data-testid': 'history-list', 'aria-live': 'polite' });
  const pager = h('div', { class: 'row' });
  // Strategies never backtested (made from a template, by the API, or whose run was refused)
  // have no runs, so the runs above cannot show them.
  const notRun = h('div', { 'data-testid': 'history-not-run', 'aria-live': 'polite' });
  const compare = h('button', { type: 'button', class: 'primary', 'data-testid': 'compare-selected', onclick: () => navigate(`#/compare?runs=${[...selected.keys()].join(',')}`) });
  const updateCompare = () => { compare.textContent = `Compare selected runs (${selected.size})`; compare.disabled = selected.size < 2; };
  let page = 1;
  const filters = () => ({ search: search.value.trim(), symbol: symbol.value, status: status.value, after: after.value, before: before.value });
  const loadNotRun = async (f, unit) => {
    clear(notRun);
    if (unit !== 'runs' || f.symbol || f.status || f.after || f.before) return;
    const body = await api(`/api/strategies/${qs({ has_runs: 'false', ordering: '-updated_at', page_size: 20, search: f.search })}`);
    if (!body.count) return;
    notRun.append(h('h3', {}, `Not run yet (${body.count})`),
      h('ul', { class: 'list' }, body.results.map((strategy) => h('li', { 'data-testid': 'history-not-run-item' },
        h('a', { href: `#/strategy/${strategy.id}` }, h('strong', {}, strategy.name)), ' ', statusBadge(strategy.status),
        h('span', { class: 'muted' }, ` updated ${dateTime(strategy.updated_at)}`)))),
      body.count > body.results.length ? h('p', { class: 'muted' }, `The ${body.results.length} most recently updated are shown; search by name for the others.`) : null);
  };
  const load = () => guard(async () => {
    const { items, count, unit, pages } = await loadPage(filters(), page);
    await loadNotRun(filters(), unit);
    clear(list, items.map(({ strategy, runs }) => h('li', { 'data-testid': 'history-list-item', class: 'history-item' },
      h('div', {}, h('a', { href: `#/strategy/${strategy.id}` }, h('strong', {}, strategy.name)), ' ', strategy.status ? statusBadge(strategy.status) : null,
        strategy.updated_at ? h('span', { class: 'muted' }, ` updated ${dateTime(strategy.updated_at)}`) : null),
      runs.length ? h('ul', { class: 'runs' }, runs.map((r) => {
        const key = `${strategy.id}:${r.id}`;
        const box = h('input', { type: 'checkbox', checked: selected.has(key), 'aria-label': `Select run ${r.id} of ${strategy.name} for comparison`, onchange: (e) => {
          if (e.target.checked) selected.set(key, `${strategy.name} #${r.id}`); else selected.delete(key);
          keep(); updateCompare();
        } });
        return h('li', {}, box, ' ', h('a', { href: `#/strategy/${strategy.id}/run/${r.id}` }, `Run #${r.id}`), ' ', statusBadge(r.status, r.success),
          ` ${r.test_symbol} · ${dateTime(r.timestamp)} · `, r.success ? h('span', { class: tone(r.return_pct) }, signed(r.return_pct)) : h('span', { class: 'muted' }, r.error_type || 'failed'));
      })) : h('p', { class: 'muted' }, 'No runs match.'))));
    const filtered = Object.values(filters()).some(Boolean);
    const none = unit === 'runs'
      ? (filtered ? 'No runs match these filters.' : ['No runs yet: ', h('a', { href: '#/describe' }, 'describe a strategy'), ' and it is backtested at once.'])
      : (filtered ? 'No strategies match these filters.' : ['No strategies yet: ', h('a', { href: '#/describe' }, 'describe one first'), '.']);
    if (!items.length) list.append(h('li', { class: 'muted', 'data-testid': 'history-empty' }, count ? 'Nothing on this page.' : none));
    clear(pager,
      h('button', { type: 'button', disabled: page <= 1, onclick: () => { page -= 1; load(); } }, '← Previous'),
      h('span', { 'data-testid': 'history-count' }, `Page ${page} of ${Math.max(1, pages)} · ${count} ${count === 1 ? unit.replace(/ies$/, 'y').replace(/s$/, '') : unit}`),
      h('button', { type: 'button', disabled: page >= pages, onclick: () => { page += 1; load(); } }, 'Next →'));
  });
  const form = h('form', { class: 'row', role: 'search' }, field('Search', search), field('Symbol', symbol), field('Status', status), field('Runs from', after), field('Runs to', before),
    h('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', (e) => { e.preventDefault(); page = 1; load(); });
  updateCompare();
  view.append(h('h1', {}, 'History'), section('Filter', form), section('My strategies and runs', h('div', { class: 'row' }, compare), list, pager, notRun));
  await load();
}

// [stat, label, ranked (higher is better), format]
const COMPARE_METRICS = [
  ['Return [%]', 'Return', true, 'signed'], ['CAGR [%]', 'CAGR', true, 'signed'], ['Sharpe Ratio', 'Sharpe', true, 'num'],
  ['Sortino Ratio', 'Sortino', true, 'num'], ['Max. Drawdown [%]', 'Max drawdown', true, 'signed'], ['Win Rate [%]', 'Win rate', true, 'pct'],
  ['# Trades', 'Trades', false, 'int'], ['Exposure Time [%]', 'Exposure', false, 'pct'], ['Profit Factor', 'Profit factor', true, 'num'],
  ['Equity Final [$]', 'Final equity', false, 'num'],
];
const FORMAT = { signed: (v) => signed(v), num: (v) => num(v), pct: (v) => (isNum(v) ? `${num(v)}%` : '–'), int: (v) => (isNum(v) ? String(Math.round(v)) : '–') };

export async function renderCompare(view, runs) {
  const keys = (runs || [...selected.keys()].join(',')).split(',').filter(Boolean);
  const box = h('div', { 'data-testid': 'compare-view' });
  view.append(h('h1', {}, 'Compare runs'), box);
  if (keys.length < 2) {
    box.append(h('p', {}, 'Select two or more runs in ', h('a', { href: '#/history' }, 'History'), ' to compare them side by side.'));
    return;
  }
  const details = await Promise.all(keys.map(async (key) => {
    const [sid, eid] = key.split(':');
    const [detail, strategy] = await Promise.all([api(`/api/strategies/${sid}/executions/${eid}/`), api(`/api/strategies/${sid}/`)]);
    return { label: `${strategy.name} #${eid} (${detail.test_symbol})`, detail };
  }));
  const best = (key, higher) => {
    const values = details.map((d) => statsOf(d.detail)[key]).filter(isNum);
    if (!values.length) return null;
    return higher ? Math.max(...values) : null;
  };
  const table = h('table', { class: 'data', 'data-testid': 'compare-table' },
    h('caption', {}, 'Metrics (★ best of the row)'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Metric'), details.map((d) => h('th', { scope: 'col' }, d.label)))),
    h('tbody', {},
      COMPARE_METRICS.map(([key, label, rank, format]) => {
        const top = rank ? best(key, true) : null;
        return h('tr', {}, h('th', { scope: 'row' }, label), details.map((d) => {
          const v = statsOf(d.detail)[key];
          return h('td', { class: format === 'signed' ? tone(v) : '' }, FORMAT[format](v), top !== null && v === top ? ' ★' : '');
        }));
      }),
      h('tr', {}, h('th', { scope: 'row' }, 'Buy & hold'), details.map((d) => { const b = benchmarkOf(d.detail); return h('td', {}, b ? signed(b.returnPct) : '–'); }))));
  const chartEl = h('div', { class: 'chart', role: 'img', 'aria-label': 'Equity curves rebased to 100' });
  const legend = h('ul', { class: 'legend' });
  box.append(section('Metrics', h('div', { class: 'table-wrap' }, table)), section('Equity (rebased to 100 at each run\'s start)', chartEl, legend));
  const charts = await import('../charts.js');
  const { palette } = charts.compareChart(chartEl, details.map((d) => ({ label: d.label, points: d.detail.equity_curve || [] })));
  details.forEach((d, i) => legend.append(h('li', {}, h('span', { class: 'swatch', 'data-color': String(i % palette.length) }), d.label)));
}
