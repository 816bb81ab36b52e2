// Small DOM helpers shared by the screens: element builder, the one error banner, formatting.

// h('div', {class: 'x', 'data-testid': 'y', onclick: fn}, child, 'text', [more])
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'value' && 'value' in el) el.value = value;
    else if (key === 'checked') el.checked = Boolean(value);
    else if (key === 'text') el.textContent = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

// Append children, skipping null/undefined/false (DOM's own append would print "null").
export function add(el, ...children) {
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A labelled control: every input of the workspace has a visible <label for>.
let fieldCounter = 0;
export function field(label, control, hint) {
  const id = control.id || `f${++fieldCounter}`;
  control.id = id;
  const hintEl = hint ? h('small', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

// --- The one error banner: the API's own message, never a generic one. --------------------------
const banner = () => document.getElementById('error-banner');

// The API's field errors ({"fields": {"end": ["`end` must not be before `start`."]}}) as
// "end: `end` must not be before `start`.": its headline alone ("Invalid input in: end.") does not
// say what is wrong.
export function fieldErrors(details) {
  const fields = (details && details.fields) || {};
  const out = [];
  const walk = (name, value) => {
    if (Array.isArray(value)) value.forEach((v) => (typeof v === 'object' && v !== null ? walk(name, v) : out.push(`${name}: ${v}`)));
    else if (value && typeof value === 'object') Object.entries(value).forEach(([k, v]) => walk(name ? `${name}.${k}` : k, v));
    else if (value !== undefined && value !== null) out.push(`${name}: ${value}`);
  };
  Object.entries(fields).forEach(([name, value]) => walk(name, value));
  return out;
}

// A job the user cancelled is not an error: its progress panel says so (a neutral notice), so
// the banner, which is for failures, stays as it is.
export function showError(err) {
  if (err && err.cancelled) return;
  const el = banner();
  const message = err && err.message ? err.message : String(err);
  const fields = fieldErrors(err && err.details);
  const shown = fields.filter((f) => !message.includes(f.slice(f.indexOf(': ') + 2)));
  document.getElementById('error-message').textContent = shown.length ? `${message} ${shown.join(' ')}` : message;
  el.dataset.code = (err && err.code) || 'error';
  el.hidden = false;
}

export function clearError() {
  const el = banner();
  if (el) el.hidden = true;
}

export function initBanner() {
  document.getElementById('error-dismiss').addEventListener('click', clearError);
}

// Run an async action; its error goes to the banner. Returns the action's value or undefined.
export async function guard(fn) {
  try {
    return await fn();
  } catch (err) {
    showError(err);
    return undefined;
  }
}

// --- Formatting ----------------------------------------------------------------------------------
export const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

export function num(v, digits = 2) {
  if (!isNum(v)) return '–';
  const text = v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text; // -0.001 rounds to "0.00", not "-0.00"
}

// Profit/loss never by colour alone: a sign and an arrow go with it.
export function signed(v, digits = 2, suffix = '%') {
  if (!isNum(v)) return '–';
  const arrow = v > 0 ? '▲ +' : v < 0 ? '▼ ' : '';
  return `${arrow}${num(v, digits)}${suffix}`;
}

export const tone = (v) => (!isNum(v) || v === 0 ? 'flat' : v > 0 ? 'gain' : 'loss');

export function dateTime(s) {
  if (!s) return '–';
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toISOString().slice(0, 16).replace('T', ' ');
}

export const day = (s) => (s ? String(s).slice(0, 10) : '–');

const OK = ['success', 'executed', 'valid', 'succeeded', 'fixed', 'generated', 'working', 'approved'];
const NEUTRAL = ['draft', 'pending', 'queued', 'running', 'needs_fixing'];

// Statuses that are neither a success nor a failure: the run worked but says nothing.
const WARN = ['no_trades'];
const LABELS = { no_trades: 'no trades' };

// Status with a symbol as well as a colour (never colour alone). A run that placed no trades
// ran without an error (success true) but is not a result: it never gets the ✓.
export function statusBadge(status, success) {
  const kind = WARN.includes(status) ? 'warn'
    : success !== undefined ? (success ? 'ok' : 'bad') : OK.includes(status) ? 'ok' : NEUTRAL.includes(status) ? 'neutral' : 'bad';
  const mark = { ok: '✓ ', bad: '✗ ', neutral: '• ', warn: '⚠ ' }[kind];
  return h('span', { class: `badge ${kind}`, 'data-status': status || null }, mark, LABELS[status] || status || (kind === 'ok' ? 'ok' : 'failed'));
}

export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function section(title, ...children) {
  return h('section', { class: 'panel' }, h('h2', {}, title), ...children);
}
