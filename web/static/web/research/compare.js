// Compare: pick other runs of this strategy to set beside the shown one on the Compare screen.
import { api, qs } from '../api.js';
import { dateTime, guard, h, num, section, signed, statusBadge } from '../ui.js';

export async function render(panel, { strategyId, detail }) {
  const history = await guard(() => api(`/api/strategies/${strategyId}/execution_history/${qs({ limit: 50 })}`));
  if (!history) return;
  const runs = history.executions.filter((r) => r.success);
  const picked = new Set([detail.execution_id]);
  const open = h('a', { class: 'button primary', 'data-testid': 'compare-open' });
  const update = () => {
    const keys = [...picked].map((id) => `${strategyId}:${id}`);
    open.textContent = `Compare ${picked.size} run(s)`;
    if (picked.size >= 2) open.setAttribute('href', `#/compare?runs=${keys.join(',')}`);
    else open.removeAttribute('href');
    open.setAttribute('aria-disabled', String(picked.size < 2));
  };
  const list = h('ul', { class: 'list', 'data-testid': 'compare-runs' }, runs.map((r) => {
    const box = h('input', { type: 'checkbox', checked: picked.has(r.id), 'aria-label': `Compare run ${r.id}`, onchange: (e) => {
      if (e.target.checked) picked.add(r.id); else picked.delete(r.id);
      update();
    } });
    return h('li', {}, box, h('span', {}, `Run #${r.id}${r.id === detail.execution_id ? ' (shown)' : ''}`), statusBadge(r.status, r.success),
      h('span', {}, `${r.test_symbol} · v${r.version ?? '–'} · ${dateTime(r.timestamp)} · return ${signed(r.return_pct)} · Sharpe ${num(r.sharpe_ratio)}`));
  }));
  update();
  panel.append(section('Compare with other runs',
    h('p', {}, 'Tick the runs to set side by side (metrics, and equity rebased to 100). Runs of other strategies can be picked in ', h('a', { href: '#/history' }, 'History'), '.'),
    runs.length > 1 ? list : h('p', { class: 'muted' }, 'This is the only successful run of the strategy so far.'), open));
}
