// The tabs of a run's result: Summary (the run as rendered) and the research tools, whose modules
// (web/research/*.js) load the first time their tab is opened, so the first load stays small.
import { clearError, h, showError } from './ui.js';

const TABS = [
  ['summary', 'Summary', null],
  ['optimise', 'Optimise', () => import('./research/optimise.js')],
  ['walk-forward', 'Walk-forward', () => import('./research/walkforward.js')],
  ['monte-carlo', 'Monte Carlo', () => import('./research/montecarlo.js')],
  ['robustness', 'Robustness', () => import('./research/robustness.js')],
  ['compare', 'Compare', () => import('./research/compare.js')],
];

let counter = 0;

// Everything after `head` in `container` moves into the Summary panel (nodes are moved, not
// copied: charts drawn into them later still land there); the tab list goes after `head`.
// `context` ({strategyId, detail}) is handed to each tab module's render(panel, context).
// `initial` names the tab to open first (an unknown name opens Summary); `onSelect(name)` hears
// every change, so a page can keep the open tab in its URL.
export function researchTabs(container, head, context, { initial = 'summary', onSelect } = {}) {
  const prefix = `result-tab-${++counter}`;
  const summary = [];
  for (let node = head.nextSibling; node; node = node.nextSibling) summary.push(node);
  const loaded = new Set();
  const tabs = [];
  const panels = [];
  const select = (index, focus, initial = false) => {
    if (!initial) clearError(); // an error of the tab left behind is not about the one opened
    tabs.forEach((tab, i) => {
      const on = i === index;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      panels[i].hidden = !on;
    });
    if (focus) tabs[index].focus();
    const [name, , load] = TABS[index];
    if (onSelect) onSelect(name);
    if (!load || loaded.has(name)) return;
    loaded.add(name);
    const panel = panels[index];
    panel.append(h('p', { class: 'muted' }, 'Loading…'));
    load()
      .then((module) => { panel.replaceChildren(); return module.render(panel, context); })
      .catch((err) => { loaded.delete(name); panel.replaceChildren(); showError(err); });
  };
  TABS.forEach(([name, label], i) => {
    tabs.push(h('button', {
      type: 'button', role: 'tab', id: `${prefix}-${name}`, 'aria-controls': `${prefix}-${name}-panel`,
      'data-testid': `tab-${name}`, onclick: () => select(i, false),
    }, label));
    panels.push(h('div', {
      role: 'tabpanel', id: `${prefix}-${name}-panel`, 'aria-labelledby': `${prefix}-${name}`,
      tabindex: '0', class: 'tab-panel', 'data-testid': `panel-${name}`,
    }));
  });
  panels[0].append(...summary);
  // Arrow keys move between tabs (and open them), Home/End go to the first/last (WAI-ARIA APG).
  const list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Run result and research' }, tabs);
  list.addEventListener('keydown', (e) => {
    const current = tabs.indexOf(document.activeElement);
    if (current < 0) return;
    const next = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    select((next + tabs.length) % tabs.length, true);
  });
  container.append(list, ...panels);
  select(Math.max(0, TABS.findIndex(([n]) => n === initial)), false, true);
  return { list, panels, select: (name) => select(TABS.findIndex(([n]) => n === name), true) };
}
