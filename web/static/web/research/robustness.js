// Robustness: the look-ahead check on the shown run's bars. The verdict is said in words with
// ✓/✗, never by colour alone; each cut is listed.
import { clear, dateTime, h, section } from '../ui.js';
import { researchJob, runSettings, settingsNote } from './common.js';

export function render(panel, { strategyId, detail }) {
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'lookahead-run' }, 'Run the look-ahead check');
  const progressBox = h('div');
  const out = h('div', { 'data-testid': 'lookahead-result' });
  const el = h('form', { class: 'research-form', 'aria-label': 'Look-ahead check' },
    h('p', {}, 'Runs the strategy on all the bars and on the first k bars for 20 cuts k. A trade up to a cut that differs between the two means a decision used bars after it (look-ahead bias).'),
    settingsNote(detail), submit, progressBox);
  panel.append(section('Look-ahead check', el), out);
  researchJob({
    form: el, button: submit, box: progressBox, strategyId, detail, tab: 'robustness',
    path: `/api/strategies/${strategyId}/lookahead_check/`,
    body: () => runSettings(detail),
    onStart: () => clear(out),
    onResult: (result) => showResult(out, result),
  });
}

const trades = (list) => (list.length ? list.map((t) => (Array.isArray(t) ? `[${t.join(', ')}]` : JSON.stringify(t))).join('; ') : '—');

function showResult(out, r) {
  const verdict = r.lookahead
    ? h('p', { class: 'verdict bad', 'data-testid': 'lookahead-verdict', 'data-lookahead': 'true' }, h('strong', {}, '✗ Look-ahead bias found'),
      `: ${r.biased_signals ? 'trades' : 'indicator values'} differ on ${r.cuts_differing} of ${r.cuts_checked} cuts, first at bar ${r.first_difference_bar ?? '?'}${r.first_difference_time ? ` (${dateTime(r.first_difference_time)})` : ''}. The strategy uses bars it could not have seen.`)
    : h('p', { class: 'verdict ok', 'data-testid': 'lookahead-verdict', 'data-lookahead': 'false' }, h('strong', {}, '✓ No look-ahead found'),
      `: on all ${r.cuts_checked} cuts the trades${r.biased_indicators ? ' and indicator values' : ''} up to the cut match the full run's.`);
  clear(out,
    section('Verdict', verdict,
      h('p', { class: 'muted' }, `Compared: ${r.checked}. Indicators reading ahead: ${r.biased_indicators === null ? `not compared (${r.indicators_not_compared || 'not returned'})` : r.biased_indicators.join(', ') || 'none'}.`),
      r.cuts_failed.length ? h('p', {}, `⚠ ${r.cuts_failed.length} cut(s) could not run (too few bars for the code): no evidence either way.`) : null,
      r.warning ? h('p', {}, `⚠ ${r.warning.message}`) : null),
    section('Cuts', h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': 'lookahead-details' },
      h('caption', {}, 'Each cut: the run on the first bars against the full run (entries up to the cut, exits before it)'),
      h('thead', {}, h('tr', {}, ['Bars', 'Last bar', 'Same', 'First trade difference (bar)', 'Only in the full run', 'Only in the cut run', 'Indicators differing'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, r.details.map((c) => h('tr', {},
        h('td', {}, c.cut_bars.toLocaleString('en-US')), h('td', {}, dateTime(c.cut_time)), h('td', {}, c.differs ? '✗ differ' : '✓ same'),
        h('td', {}, c.first_difference_bar ?? '—'), h('td', {}, trades(c.only_in_full_run)), h('td', {}, trades(c.only_in_cut_run)),
        h('td', {}, c.indicators_differing == null ? 'not compared' : c.indicators_differing.map((d) => `${d.name} (bar ${d.first_difference_bar})`).join('; ') || '—'))))))));
}
