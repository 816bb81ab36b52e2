// Describe: a plain-English idea -> live job progress -> what was understood, code, findings,
// and the first backtest. A refusal highlights the phrases the generator could not place.
import { api } from '../api.js';
import { boot } from '../app.js';
import { codeBlock, diffBlock } from '../code.js';
import { keptJob } from '../jobs.js';
import { renderExecution } from '../result.js';
import { add, clear, field, guard, h, section, showError, statusBadge } from '../ui.js';
import { symbolSelect } from './common.js';

const EXAMPLES = [
  'Buy when the 10-day SMA crosses above the 30-day SMA, sell when it crosses back below.',
  'Buy when RSI(14) drops below 30, sell when it rises above 70. 5% stop loss.',
  'Go long when MACD crosses above its signal line; exit when it crosses below.',
  'Buy when price touches the lower Bollinger Band (20, 2), sell at the middle band.',
  'Short when the close crosses below the 50 EMA, cover when it crosses back above.',
];

const DRAFT_KEY = 'describeDraft';
// The strategy and run the last "Generate and backtest" produced in this tab: a reload (or Back
// from the strategy) shows them again instead of an empty screen that invites a duplicate.
const LAST_KEY = 'describeLast';
// The generation running for this tab (app.js forgets it, as the two above, on "New strategy").
const JOB_KEY = 'job:describe';

// Shown until the server offers GET /api/strategies/capabilities/ (then its list is shown).
const STATIC_CAPABILITIES = [
  ['Moving-average crosses', 'SMA or EMA of any period crossing another or the price'],
  ['Thresholds', 'RSI, ADX, stochastic and other indicators above / below a level'],
  ['MACD', 'MACD crossing its signal line'],
  ['Bands', 'Bollinger bands: touch, cross, revert to the middle'],
  ['Combinations', 'several conditions joined with "and"'],
  ['Risk', 'stop loss, take profit and trailing stop in %'],
  ['Direction', 'long, short ("short when ... cover when ...")'],
];

async function capabilities() {
  if (!boot.features.capabilities) return { source: 'static', items: STATIC_CAPABILITIES };
  const body = await api('/api/strategies/capabilities/');
  const list = Array.isArray(body) ? body : body.capabilities || body.constructs || body.results || [];
  return { source: 'api', items: list.map((c) => [c.name || c.construct || c.title || '', c.example || c.description || '']) };
}

// The phrases a refusal names: {text, start, end} or strings such as "'the moon is full': ...".
export function refusedPhrases(details) {
  return (details.unrecognised || details.unrecognized || []).map((item) => {
    if (item && typeof item === 'object') return { text: item.text, start: item.start, end: item.end, reason: item.reason || '' };
    const quoted = String(item).match(/^'([^']+)'(?::\s*(.*))?/);
    return quoted ? { text: quoted[1], reason: quoted[2] || '' } : { text: String(item), reason: '' };
  });
}

// Each phrase with the API's reason (once: the same phrase and reason can be named twice), so
// the why ("did you mean 'below'?") stays on the page after the banner is dismissed and is read
// out by screen readers, which do not announce <mark>.
export function phraseReasons(phrases) {
  const seen = new Set();
  const items = phrases.filter((p) => {
    const k = `${String(p.text).toLowerCase()}|${p.reason}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (!items.length) return null;
  return h('ul', { class: 'reasons', 'data-testid': 'refusal-reasons' }, items.map((p) =>
    h('li', {}, h('mark', {}, p.text), p.reason ? `: ${p.reason}` : '')));
}

export function highlightPhrases(description, phrases) {
  const lower = description.toLowerCase();
  const spans = [];
  for (const p of phrases) {
    let start = Number.isInteger(p.start) ? p.start : lower.indexOf(String(p.text).toLowerCase());
    let end = Number.isInteger(p.end) ? p.end : start + String(p.text).length;
    if (start < 0 || end > description.length) continue;
    if (!spans.some(([s, e]) => start < e && end > s)) spans.push([start, end]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const out = h('p', { class: 'refusal-text', 'data-testid': 'refusal-highlight' });
  let last = 0;
  for (const [s, e] of spans) {
    out.append(description.slice(last, s), h('mark', {}, description.slice(s, e)));
    last = e;
  }
  out.append(description.slice(last));
  return out;
}

export function specSummary(spec) {
  if (!spec) return '';
  const operand = (v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  const cond = (c) => {
    if (!c) return 'never';
    if (c.conditions) return c.conditions.map(cond).join(c.logic === 'any' ? ' or ' : ' and ');
    return `${operand(c.left)} ${String(c.op).replace(/_/g, ' ')} ${operand(c.right)}`;
  };
  const names = Object.fromEntries((spec.indicators || []).map((i) => [i.id, `${i.indicator}(${Object.values(i.params || {}).join(', ')})`]));
  const r = spec.rules || {};
  const parts = [];
  if (r.entry) parts.push(`Enter long when ${cond(r.entry)}.`);
  if (r.exit) parts.push(`Exit when ${cond(r.exit)}.`);
  if (r.short_entry) parts.push(`Enter short when ${cond(r.short_entry)}.`);
  if (r.short_exit) parts.push(`Cover when ${cond(r.short_exit)}.`);
  if (spec.stop_loss_pct) parts.push(`Stop loss ${spec.stop_loss_pct}% from entry.`);
  if (spec.take_profit_pct) parts.push(`Take profit ${spec.take_profit_pct}%.`);
  if (spec.trailing_stop_pct) parts.push(`Trailing stop ${spec.trailing_stop_pct}%.`);
  let text = parts.join(' ');
  for (const [id, label] of Object.entries(names)) text = text.replace(new RegExp(`\\b${id}\\b`, 'g'), label);
  return text;
}

// understood_as from the API when it sends it; until then the spec's summary, labelled as such.
export function understoodAs(result) {
  if (result.understood_as) return h('div', { class: 'understood', 'data-testid': 'understood-as' }, h('p', {}, result.understood_as));
  const summary = specSummary(result.spec) || (result.understood || []).join('; ');
  return h('div', { class: 'understood', 'data-testid': 'understood-as' },
    h('p', {}, summary || 'The generator did not report what it understood (no spec: the code came from an LLM).'),
    result.understood && result.understood.length ? h('ul', {}, result.understood.map((u) => h('li', {}, u))) : null,
    h('p', { class: 'muted' }, 'Summary of the strategy spec.'));
}

// `onLine(n)`, when given, makes each finding's line a button that shows that line in the editor.
export function findingsList(findings, { onLine } = {}) {
  if (!findings || !findings.length) return h('p', { 'data-testid': 'validation-findings' }, '✓ The validator found nothing to report.');
  const line = (f) => {
    if (!f.line) return '';
    if (!onLine) return ` line ${f.line}`;
    return [' ', h('button', { type: 'button', class: 'linklike', 'data-testid': 'finding-line', onclick: () => onLine(f.line) }, `line ${f.line}`)];
  };
  return h('ul', { class: 'findings', 'data-testid': 'validation-findings' }, findings.map((f) => h('li', { class: f.severity },
    `${f.severity === 'error' ? '✗' : '⚠'} ${f.severity}`, line(f), `: ${f.message} (${f.code})`)));
}

export function fixesList(fixes) {
  if (!fixes || !fixes.length) return null;
  return section(`Fix attempts (${fixes.length})`, fixes.map((f) => h('details', { class: 'fix' },
    h('summary', {}, statusBadge(f.success ? 'fixed' : 'failed', f.success), ` attempt ${f.attempt}: ${f.error_type || ''} ${f.fix_applied || f.error_message || ''}`,
      f.semantic_change ? h('strong', { class: 'semantic' }, ' ⚠ changes what the strategy does') : null),
    f.changes && f.changes.length ? h('ul', {}, f.changes.map((c) => h('li', {}, typeof c === 'string' ? c : JSON.stringify(c)))) : null,
    f.diff ? diffBlock(f.diff) : h('p', { class: 'muted' }, 'No diff.'))));
}

export async function renderDescribe(view) {
  const input = h('textarea', { rows: '5', 'data-testid': 'describe-input', placeholder: 'e.g. Buy when RSI(14) drops below 30, sell when it rises above 70.', required: true });
  // The typed idea survives a reload, a look at another screen and Back (this tab only).
  input.value = sessionStorage.getItem(DRAFT_KEY) || '';
  input.addEventListener('input', () => sessionStorage.setItem(DRAFT_KEY, input.value));
  const symbol = await symbolSelect({ testid: 'describe-symbol' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'describe-submit' }, 'Generate and backtest');
  const outcome = h('div', { class: 'outcome' });
  const caps = h('ul', { class: 'capabilities', 'data-testid': 'capabilities' });
  const form = h('form', { class: 'panel describe' },
    h('h1', {}, 'Describe a strategy'),
    field('Your trading idea in plain English', input),
    h('div', { class: 'row' }, field('Backtest on', symbol), h('p', { class: 'provider', 'data-testid': 'provider' },
      'Generator: ', h('strong', {}, boot.provider === 'gemini' ? 'Gemini (LLM)' : 'offline parser (no LLM key configured)'))),
    submit);
  const examples = h('div', { class: 'panel' }, h('h2', {}, 'Examples'), h('ul', { class: 'examples' }, EXAMPLES.map((text) =>
    h('li', {}, h('button', { type: 'button', class: 'example', onclick: () => { input.value = text; sessionStorage.setItem(DRAFT_KEY, text); input.focus(); } }, text)))));
  view.append(h('div', { class: 'describe-grid' }, h('div', {}, form, outcome), h('aside', {}, examples, h('div', { class: 'panel' }, h('h2', {}, 'What it understands'), caps))));
  guard(async () => {
    const c = await capabilities();
    clear(caps, c.items.map(([name, example]) => h('li', {}, h('strong', {}, name), example ? ` — ${example}` : '')));
  });

  // The generation outlives the page: a reload or a return to this screen follows it again.
  const job = keptJob({
    key: JOB_KEY, box: outcome, button: submit,
    onResult: async (result) => {
      const run = result.execution_result;
      sessionStorage.setItem(LAST_KEY, JSON.stringify({ strategy_id: result.strategy_id, execution_id: run && run.execution_id }));
      await showOutcome(outcome, result);
    },
    onError: (err, { description = '' }) => {
      showError(err);
      if (err.code === 'description_not_understood') {
        const phrases = refusedPhrases(err.details);
        const details = err.details || {};
        const useText = (text) => () => { input.value = text; sessionStorage.setItem(DRAFT_KEY, text); input.focus(); };
        // The API's own example: the user's text without the words it could not place (to be
        // checked: a dropped word may have mattered), or the closest construct's example.
        const own = details.example && details.example_source === 'your_text_without_those_words';
        const suggestions = (details.suggestions || []).map((s) => String(s).replace(/^[^:]*:\s*/, '')).filter(Boolean);
        const others = [...(own || !details.example ? [] : [details.example]), ...suggestions, ...EXAMPLES]
          .filter((text, i, all) => all.indexOf(text) === i).slice(0, 3);
        add(outcome, section('Not understood', highlightPhrases(description, phrases), phraseReasons(phrases),
          own ? h('div', { 'data-testid': 'refusal-without-words' },
            h('p', {}, h('strong', {}, 'Without the highlighted words it reads: '),
              '(check that this is still your strategy: a dropped word may have mattered)'),
            h('ul', { class: 'examples' }, h('li', {}, h('button', { type: 'button', class: 'example', onclick: useText(details.example) }, details.example)))) : null,
          h('p', {}, own ? 'Or start from a supported phrasing:' : 'The highlighted words could not be placed in a strategy. Rephrase them, for example:'),
          h('ul', { class: 'examples' }, others.map((text) =>
            h('li', {}, h('button', { type: 'button', class: 'example', onclick: useText(text) }, text))))));
      }
    },
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.removeItem(LAST_KEY);
    job.start('/api/strategies/generate_with_ai/', { description: input.value, execute_after_generation: true, auto_fix: true, symbol: symbol.value });
  });
  input.focus();
  if (!job.kept) await restoreOutcome(outcome);
}

// After a reload: the last outcome again, read back from the API (the strategy's understood_as,
// code and status, and its run). A strategy deleted since is simply not shown.
async function restoreOutcome(outcome) {
  let last;
  try {
    last = JSON.parse(sessionStorage.getItem(LAST_KEY) || 'null');
  } catch {
    last = null;
  }
  if (!last || !last.strategy_id) return;
  let strategy;
  try {
    strategy = await api(`/api/strategies/${last.strategy_id}/`);
  } catch (err) {
    if (err.status === 404) { sessionStorage.removeItem(LAST_KEY); return; }
    throw err;
  }
  await showOutcome(outcome, {
    strategy_id: strategy.id, spec: strategy.spec, understood_as: strategy.understood_as, code: strategy.code,
    status: strategy.status, restored: strategy.description,
    execution_result: last.execution_id ? { execution_id: last.execution_id } : null,
  });
}

async function showOutcome(outcome, result) {
  const sid = result.strategy_id;
  // The generator's notes (an undirected "crosses" read as "crosses above", a look-ahead
  // finding) qualify what was understood, so they are shown with it, not after the code.
  const notes = result.warnings && result.warnings.length
    ? h('ul', { class: 'warnings', 'data-testid': 'generation-warnings', 'aria-label': 'Notes on how the description was read' },
      result.warnings.map((w) => h('li', {}, '⚠ ', typeof w === 'string' ? w : w.message)))
    : null;
  const made = result.restored !== undefined
    ? h('span', { 'data-testid': 'describe-restored' }, ` generated earlier in this tab from “${result.restored}” · `)
    : ` generated by ${result.provider}${result.model ? ` (${result.model})` : ''} · `;
  add(outcome,
    section('What was understood', understoodAs(result), notes,
      h('p', {}, statusBadge(result.status), made,
        h('a', { href: `#/strategy/${sid}`, 'data-testid': 'open-strategy' }, 'Open the strategy'))),
    section('Code', codeBlock(result.code, { 'data-testid': 'strategy-code' })),
    result.restored === undefined ? section('Validation', findingsList(result.validation)) : null,
    fixesList(result.fixes),
  );
  const run = result.execution_result;
  const runBox = h('div', { class: 'result', 'data-testid': 'result' });
  add(outcome, runBox);
  if (!run || !run.execution_id) {
    runBox.append(h('p', {}, 'No backtest was run.'));
    return;
  }
  await renderExecution(runBox, sid, run.execution_id, { spec: result.spec });
}
