// Pieces the research tabs share: the shown run's settings, the parameter-range form, the
// search settings, and running a research job with its live progress.
import { api } from '../api.js';
import { keptJob } from '../jobs.js';
import { day, field, h, isNum, num } from '../ui.js';

const SETTINGS = ['interval', 'cash', 'commission', 'spread', 'margin', 'trade_on_close', 'hedging', 'exclusive_orders', 'finalize_trades'];

// The request of the shown run: same symbol, bars, settings and version, so research answers
// questions about this run and not about a different one.
export function runSettings(detail) {
  const body = { test_symbol: detail.test_symbol };
  const equity = detail.equity_curve || [];
  if (equity.length) {
    body.start = day(equity[0].time);
    body.end = day(equity[equity.length - 1].time);
  }
  for (const name of SETTINGS) {
    const value = (detail.settings || {})[name];
    if (value !== undefined && value !== null) body[name] = value;
  }
  if (detail.version) body.version = detail.version;
  return body;
}

// What a job's stored input asked for that the form cannot hold: the forms send the shown run's
// symbol, dates, settings and version, so a job on other ones (started through the API, say) is
// named here rather than left looking like the run's.
const UNSET = { start: 'the first bar', end: 'the last bar' };

export function settingsDifferences(input, detail) {
  const out = [];
  const said = (name, v) => (v === null || v === undefined ? UNSET[name] || 'none' : String(v));
  const differ = (name, job, run) => {
    if ((job ?? null) !== (run ?? null)) out.push(`${name} ${said(name, job)} (this run: ${said(name, run)})`);
  };
  if (isNum(input.version) && isNum(detail.version)) differ('version', input.version, detail.version);
  const request = input.request;
  if (!request) return out;
  const run = runSettings(detail);
  differ('symbol', request.symbol, run.test_symbol);
  // A date is the run's when it is the one the run asked for (none: from the first or to the
  // last bar) or the run's own first or last bar.
  for (const name of ['start', 'end']) {
    const job = request[name] ? day(request[name]) : null;
    if (job !== (detail[name] ? day(detail[name]) : null) && job !== run[name]) differ(name, request[name], run[name]);
  }
  const settings = detail.settings || {};
  for (const name of SETTINGS) if (name in settings) differ(name, request[name], settings[name]);
  return out;
}

// Put a job's stored values into form controls ({input key: control}); keys the input lacks are
// left alone. A select gains an option it lacks (the API takes more than the form lists).
export function setControls(controls, values) {
  for (const [key, control] of Object.entries(controls)) {
    if (!(key in values)) continue;
    const value = values[key];
    if (control.type === 'checkbox') { control.checked = Boolean(value); continue; }
    const text = value === null || value === undefined ? '' : String(value);
    if (control.tagName === 'SELECT' && text && ![...control.options].some((o) => o.value === text)) control.append(h('option', { value: text }, text));
    control.value = text;
  }
}

export function settingsNote(detail) {
  const s = runSettings(detail);
  return h('p', { class: 'muted' }, `Settings of run #${detail.execution_id}: ${s.test_symbol}, ${s.start || 'all bars'} – ${s.end || ''}`,
    `, cash ${num(s.cash ?? 10000, 0)}, commission ${s.commission ?? 0}, version ${s.version ?? 'current'}.`);
}

export const paramText = (params) => Object.entries(params || {}).map(([k, v]) => `${k}=${v === null ? 'None' : v}`).join(', ');

// Python's range over numbers (stop excluded), as the API expands it; capped for the preview.
export function rangeValues(start, stop, step, cap = 10000) {
  const out = [];
  if (![start, stop, step].every(isNum) || step === 0) return out;
  const digits = Math.max(...[start, step].map((v) => (String(v).split('.')[1] || '').length));
  for (let i = 0; out.length < cap; i += 1) {
    const v = Number((start + i * step).toFixed(digits));
    if (step > 0 ? v >= stop : v <= stop) break;
    out.push(v);
  }
  return out;
}

const sameValues = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
const valuesText = (values) => `${values.slice(0, 6).map((v) => (v === null ? 'None' : v)).join(', ')}${values.length > 6 ? ', …' : ''}`;

// "6, 8, none, true, x" -> [6, 8, null, true, 'x'] (numbers, booleans, None/null, else text).
export function listValues(text) {
  return text.split(',').map((t) => t.trim()).filter(Boolean).map((t) => {
    if (/^(none|null)$/i.test(t)) return null;
    if (/^true$/i.test(t)) return true;
    if (/^false$/i.test(t)) return false;
    return t !== '' && Number.isFinite(Number(t)) ? Number(t) : t;
  });
}

// A step of about a fifth of the value, rounded to one significant digit (10 -> 2, 30 -> 6).
function niceStep(value, integer) {
  const raw = Math.abs(value) / 5 || 1;
  if (integer) return Math.max(1, Math.round(raw));
  const p = 10 ** Math.floor(Math.log10(raw));
  return Number((Math.round(raw / p) * p).toPrecision(1));
}

// Range start/stop/step around the current value: five values centred on it (never below 1 for
// a positive integer, which is usually a period).
// A fraction of equity (a float in (0, 1) named like a size) stays below 1: backtesting.py
// reads 1 and more as a number of units, so those combinations could only fail.
const FRACTION = /size|fraction|weight|equity/i;

export function defaultRange(value, integer, name = '') {
  const step = niceStep(value, integer);
  let start = value - 2 * step;
  if (integer && value > 0 && start < 1) start = value - step * Math.floor((value - 1) / step);
  if (!integer) start = Number(start.toPrecision(6));
  let stop = Number((value + 3 * step).toPrecision(6));
  if (!integer && value > 0 && value < 1 && FRACTION.test(name)) {
    start = Math.max(start, step);
    stop = Math.min(stop, 1);
  }
  return { start, stop, step };
}

// The parameter table of `parameters/`: per parameter "vary" and a range (numbers) or a list.
// `preselect` numeric parameters are ticked. Returns {element, params(), show(values)}: show puts a
// job's expanded values ({name: [values]}) back into the table and returns what it could not
// (values that are no range, a parameter the table lacks).
export function paramsForm(parameters, { preselect = 2 } = {}) {
  const rows = [];
  let ticked = 0;
  const body = h('tbody');
  for (const p of parameters) {
    const numeric = (p.type === 'int' || p.type === 'float') && isNum(p.value);
    const vary = h('input', { type: 'checkbox', 'data-testid': `param-vary-${p.name}`, 'aria-label': `Vary ${p.name}` });
    const tries = h('td', { class: 'tries', 'data-testid': `param-tries-${p.name}` });
    let read;
    let fill;
    let inputs;
    if (numeric) {
      const r = defaultRange(p.value, p.type === 'int', p.name);
      const box = (name, value) => h('input', { type: 'number', step: 'any', value: String(value), class: 'narrow', 'data-testid': `param-${name}-${p.name}`, 'aria-label': `${name[0].toUpperCase()}${name.slice(1)} of ${p.name}${name === 'stop' ? ' (excluded)' : ''}` });
      const [start, stop, step] = [box('start', r.start), box('stop', r.stop), box('step', r.step)];
      read = () => ({ spec: { start: Number(start.value), stop: Number(stop.value), step: Number(step.value) }, values: rangeValues(Number(start.value), Number(stop.value), Number(step.value)) });
      inputs = [h('td', {}, start), h('td', {}, stop), h('td', {}, step)];
      // Values evenly spaced are a range again: the stop one step after the last value.
      fill = (values) => {
        if (!values.length || !values.every(isNum)) return false;
        const by = values.length > 1 ? Number((values[1] - values[0]).toPrecision(12)) : Math.abs(Number(step.value)) || 1;
        const end = Number((values[values.length - 1] + by).toPrecision(12));
        if (!sameValues(rangeValues(values[0], end, by), values)) return false;
        [start.value, stop.value, step.value] = [values[0], end, by].map(String);
        return true;
      };
      if (ticked < preselect) { vary.checked = true; ticked += 1; }
    } else {
      const suggestion = p.type === 'bool' ? 'true, false' : '';
      const list = h('input', { type: 'text', value: suggestion, placeholder: 'e.g. None, 2, 5', 'data-testid': `param-values-${p.name}`, 'aria-label': `Values of ${p.name}, separated by commas` });
      read = () => { const values = listValues(list.value); return { spec: values, values }; };
      fill = (values) => {
        const text = values.map((v) => (v === null ? 'None' : String(v))).join(', ');
        if (!sameValues(listValues(text), values)) return false;
        list.value = text;
        return true;
      };
      inputs = [h('td', { colspan: '3' }, list)];
    }
    const update = () => {
      const { values } = read();
      tries.textContent = vary.checked ? `${values.length}: ${valuesText(values)}` : '—';
    };
    const row = h('tr', { class: vary.checked ? '' : 'off' }, h('td', {}, vary), h('th', { scope: 'row' }, p.name), h('td', {}, p.value === null ? 'None' : String(p.expression || p.value)), inputs, tries);
    const refresh = () => { row.className = vary.checked ? '' : 'off'; update(); };
    row.addEventListener('input', () => { refresh(); updateTotal(); });
    update();
    body.append(row);
    rows.push({ name: p.name, vary, read, fill, refresh });
  }
  // The size of the grid before it runs: each varied parameter's values multiplied together
  // (a grid search backtests every combination; a constraint or max tries can cut it down).
  const total = h('p', { 'data-testid': 'params-combinations', 'aria-live': 'polite' });
  const updateTotal = () => {
    const varied = rows.filter((r) => r.vary.checked);
    const count = varied.reduce((n, r) => n * r.read().values.length, 1);
    total.textContent = varied.length
      ? `${count.toLocaleString('en-US')} combination${count === 1 ? '' : 's'} of ${varied.map((r) => r.name).join(' × ')}${count > 1000 ? ' — a grid this size takes a while; a larger step, a constraint or max tries makes it smaller' : ''}.`
      : 'No parameter ticked: tick at least one to vary.';
  };
  const table = h('div', { class: 'table-wrap' }, h('table', { class: 'data params-table', 'data-testid': 'params-table' },
    h('caption', {}, 'Parameters to vary. A range follows Python\'s range(start, stop, step): stop is excluded (start 6, stop 16, step 2 tries 6, 8, 10, 12, 14).'),
    h('thead', {}, h('tr', {}, ['Vary', 'Parameter', 'Current', 'Start', 'Stop (excluded)', 'Step', 'Values tried'].map((c) => h('th', { scope: 'col' }, c)))),
    body));
  updateTotal();
  const element = h('div', {}, table, total);
  const params = () => Object.fromEntries(rows.filter((r) => r.vary.checked).map((r) => [r.name, r.read().spec]));
  const show = (values) => {
    const unshown = Object.keys(values).filter((name) => !rows.some((r) => r.name === name));
    for (const r of rows) {
      r.vary.checked = r.name in values && r.fill(values[r.name]);
      if (r.name in values && !r.vary.checked) unshown.push(r.name);
      r.refresh();
    }
    updateTotal();
    return unshown.map((name) => `${name} ${valuesText(values[name])}`);
  };
  return { element, params, show };
}

export async function loadParameters(strategyId, version) {
  return api(`/api/strategies/${strategyId}/parameters/${version ? `?version=${version}` : ''}`);
}

export const MAXIMIZE = ['SQN', 'Sharpe Ratio', 'Sortino Ratio', 'Calmar Ratio', 'Return [%]', 'Return (Ann.) [%]', 'Equity Final [$]', 'Win Rate [%]', 'Profit Factor', 'Max. Drawdown [%]'];

// maximize / constraint / method / max_tries / random_state. Returns {element, values(), show(input)}:
// show puts a job's stored search (its input's maximize and search) back into the fields.
export function searchFields(prefix, parameters = []) {
  const maximize = h('select', { 'data-testid': `${prefix}-maximize` }, MAXIMIZE.map((m) => h('option', { value: m }, m)));
  const numeric = parameters.filter((p) => p.type === 'int' || p.type === 'float').map((p) => p.name);
  const example = numeric.length > 1 ? `${numeric[0]} < ${numeric[1]}` : 'fast < slow';
  const constraint = h('input', { type: 'text', 'data-testid': `${prefix}-constraint`, placeholder: `e.g. ${example}` });
  const method = h('select', { 'data-testid': `${prefix}-method` }, h('option', { value: 'grid' }, 'grid (every combination)'), h('option', { value: 'sambo' }, 'SAMBO (model-based)'));
  const maxTries = h('input', { type: 'number', min: '0', step: 'any', class: 'narrow', 'data-testid': `${prefix}-max-tries` });
  const seed = h('input', { type: 'number', step: '1', class: 'narrow', 'data-testid': `${prefix}-seed` });
  const element = h('div', { class: 'row' },
    field('Maximise', maximize), field('Constraint (optional)', constraint, 'names, numbers, < <= > >= == !=, and/or/not, + - * /'),
    field('Method', method), field('Max tries (optional)', maxTries, 'grid: a count or a fraction; SAMBO: evaluations'),
    field('Random seed (optional)', seed));
  const values = () => {
    const out = { maximize: maximize.value, method: method.value };
    if (constraint.value.trim()) out.constraint = constraint.value.trim();
    if (maxTries.value) out.max_tries = Number(maxTries.value);
    if (seed.value) out.random_state = Number(seed.value);
    return out;
  };
  const show = (input) => {
    setControls({ maximize, method, constraint, max_tries: maxTries, random_state: seed }, { ...input.search, maximize: input.maximize });
    return []; // every search setting has its field
  };
  return { element, values, show };
}

// A research tab's form and its one job (keptJob): submitting POSTs `path` with `body()` and
// follows the job in `box`; its id is kept per strategy, run and tab, so a reload, or coming back
// to the tab, follows the same job again: its live progress, then its result or its error. The
// id stays after the job ended, so the tab shows its result each time it is opened.
// `onStart()` clears the previous result, `onEvent(event, request)` sees each event with the
// job's request, `onResult(result)` shows the result.
// A job followed again fills the form from its stored input (`show(input)` fills the tab's own
// fields and returns what it could not), so the form says what that job runs, not its defaults;
// what the form cannot hold (another symbol, a parameter it lacks) is named in one line above it.
export function researchJob({ form, button, box, strategyId, detail, tab, path, body, show = () => [], onStart, onEvent, onResult }) {
  const note = h('p', { class: 'notice', role: 'status', 'data-testid': 'research-job-settings', hidden: true });
  form.prepend(note);
  const job = keptJob({
    key: `research:${strategyId}:${detail.execution_id}:${tab}`, keep: true, box, button,
    onStart, onEvent, onResult: (result) => onResult(result),
    onResume: (kept) => {
      const input = kept.input || {};
      const unshown = [...settingsDifferences(input, detail), ...(show(input) || [])];
      note.hidden = !unshown.length;
      note.textContent = unshown.length ? `The form shows the followed job's settings as far as it can. Not in the form: ${unshown.join('; ')}.` : '';
    },
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    note.hidden = true;
    job.start(path, body());
  });
}
