// Indicators browser and the templates gallery.
import { api, qs } from '../api.js';
import { navigate } from '../app.js';
import { codeBlock } from '../code.js';
import { clear, clearError, field, guard, h, section } from '../ui.js';

function paramsTable(params) {
  if (!params || !params.length) return h('p', { class: 'muted' }, 'No parameters.');
  const range = (p) => (p.min === null && p.max === null ? '–' : `${p.min ?? '…'} – ${p.max ?? '…'}`);
  return h('table', { class: 'data' }, h('thead', {}, h('tr', {}, ['Parameter', 'Type', 'Default', 'Range', 'Meaning'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, params.map((p) => h('tr', {}, h('td', {}, h('code', {}, p.name)), h('td', {}, p.type), h('td', {}, p.default === null || p.default === undefined ? '–' : String(p.default)), h('td', {}, range(p)), h('td', {}, p.description || '')))));
}

export async function renderIndicators(view) {
  const search = h('input', { type: 'search', 'data-testid': 'indicator-search', placeholder: 'RSI, moving average, volatility…' });
  const group = h('select', { 'data-testid': 'indicator-group' }, h('option', { value: '' }, 'all groups'));
  const featured = h('input', { type: 'checkbox', 'data-testid': 'indicator-featured' });
  const list = h('ul', { class: 'list', 'data-testid': 'indicator-list', 'aria-live': 'polite' });
  const count = h('p', { class: 'muted' });
  const load = () => guard(async () => {
    const body = await api(`/api/strategies/available_indicators/${qs({ search: search.value.trim(), group: group.value, featured: featured.checked ? 'true' : undefined })}`);
    if (group.options.length === 1) body.groups.forEach((g) => group.append(h('option', { value: g }, g)));
    count.textContent = `${body.count} indicators`;
    clear(list, body.indicators.map((ind) => h('li', { 'data-testid': 'indicator-list-item', class: 'indicator' },
      h('details', {}, h('summary', {}, h('strong', {}, ind.name), ` — ${ind.display_name}`, h('span', { class: 'muted' }, ` · ${ind.group}`), ind.featured ? h('span', { class: 'badge ok' }, '★ featured') : null),
        h('p', {}, ind.description), h('p', { class: 'muted' }, `Inputs: ${ind.inputs.join(', ')} · outputs: ${ind.outputs.join(', ')}`),
        paramsTable(ind.parameters), ind.example ? codeBlock(ind.example) : null))));
  });
  const form = h('form', { class: 'row', role: 'search' }, field('Search', search), field('Group', group), h('label', { class: 'check' }, featured, ' Featured only'), h('button', { type: 'submit' }, 'Search'));
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  group.addEventListener('change', load);
  featured.addEventListener('change', load);
  view.append(h('h1', {}, 'Indicators'), section('Find an indicator', form, count), list);
  await load();
}

function templateForm(template) {
  const inputs = template.parameters.map((p) => {
    const el = h('input', { type: p.type === 'int' || p.type === 'float' ? 'number' : 'text', name: p.name, value: String(p.default ?? ''),
      min: p.min ?? undefined, max: p.max ?? undefined, step: p.type === 'int' ? '1' : 'any', 'data-testid': `template-param-${p.name}` });
    return { p, el };
  });
  const name = h('input', { name: 'name', value: template.name, required: true, 'data-testid': 'template-name' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'template-instantiate' }, 'Create strategy');
  const form = h('form', { class: 'template-form' }, field('Strategy name', name),
    h('div', { class: 'params' }, inputs.map(({ p, el }) => field(`${p.name}${p.min !== null || p.max !== null ? ` (${p.min ?? '…'}–${p.max ?? '…'})` : ''}`, el, p.description))), submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearError();
    guard(async () => {
      submit.disabled = true;
      try {
        const parameters = Object.fromEntries(inputs.map(({ p, el }) => [p.name, p.type === 'int' ? parseInt(el.value, 10) : p.type === 'float' ? Number(el.value) : el.value]));
        const strategy = await api(`/api/templates/${template.id}/instantiate/`, { method: 'POST', body: { name: name.value, parameters } });
        navigate(`#/strategy/${strategy.id}`);
      } finally {
        submit.disabled = false;
      }
    });
  });
  return form;
}

export async function renderTemplates(view) {
  const list = h('ul', { class: 'cards', 'data-testid': 'template-list' });
  view.append(h('h1', {}, 'Templates'), h('p', {}, 'Start from a tested strategy: set its parameters, create it, then run it from its page.'), list);
  const body = await api(`/api/templates/${qs({ page_size: 100 })}`);
  clear(list, body.results.map((t) => {
    const slot = h('div');
    return h('li', { 'data-testid': 'template-list-item' },
      h('h2', {}, t.name), h('p', {}, h('span', { class: 'badge ok' }, t.category), t.builtin ? ' built-in' : ' mine'),
      h('p', {}, t.description),
      h('button', { type: 'button', 'data-testid': 'template-use', onclick: (e) => { clear(slot, templateForm(t)); e.target.hidden = true; slot.querySelector('input').focus(); } }, 'Use this template'),
      slot);
  }));
}
