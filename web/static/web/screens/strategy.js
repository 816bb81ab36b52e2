// Strategy: run form, runs, editable code (validated before saving), versions with diffs between
// any two, fix errors with each attempt's diff, and a chat whose edits create versions.
import { api, qs } from '../api.js';
import { diffBlock, lineDiff } from '../code.js';
import { keptJob } from '../jobs.js';
import { renderExecution } from '../result.js';
import { add, clear, dateTime, field, guard, h, num, section, signed, statusBadge } from '../ui.js';
import { symbolSelect } from './common.js';
import { findingsList, fixesList, specSummary } from './describe.js';

const input = (attrs) => h('input', attrs);

function runForm(strategy, onResult) {
  const box = h('div');
  guard(async () => {
    const symbol = await symbolSelect({ testid: 'symbol-select' });
    const start = input({ type: 'date', name: 'start', 'data-testid': 'start-input' });
    const end = input({ type: 'date', name: 'end', 'data-testid': 'end-input' });
    const cash = input({ type: 'number', name: 'cash', value: '10000', min: '1', step: 'any', 'data-testid': 'cash-input' });
    const commission = input({ type: 'number', name: 'commission', value: '0', min: '0', max: '0.2', step: 'any', 'data-testid': 'commission-input' });
    const spread = input({ type: 'number', name: 'spread', value: '0', min: '0', max: '0.2', step: 'any', 'data-testid': 'spread-input' });
    const margin = input({ type: 'number', name: 'margin', value: '1', min: '0.001', max: '1', step: 'any', 'data-testid': 'margin-input' });
    const onClose = input({ type: 'checkbox', name: 'trade_on_close', 'data-testid': 'trade-on-close' });
    const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'run-backtest' }, 'Run backtest');
    const progressBox = h('div');
    const form = h('form', { class: 'run-form', 'aria-label': 'Backtest settings' },
      h('div', { class: 'row' }, field('Symbol', symbol), field('From', start), field('To', end)),
      h('div', { class: 'row' }, field('Cash', cash), field('Commission (fraction, 0.002 = 0.2%)', commission),
        field('Spread (fraction)', spread), field('Margin (1 = no leverage)', margin)),
      h('div', { class: 'row' }, h('label', { class: 'check' }, onClose, ' Trade on close'), submit),
      progressBox);
    // Upload a CSV (OHLCV): it becomes a symbol of mine, selected in the form at once.
    const file = input({ type: 'file', accept: '.csv,text/csv', 'data-testid': 'upload-file' });
    const dataName = input({ name: 'name', 'data-testid': 'upload-name', placeholder: 'e.g. mydata' });
    const upload = h('button', { type: 'button', 'data-testid': 'upload-submit', onclick: () => guard(async () => {
      if (!file.files.length) throw Object.assign(new Error('Choose a CSV file first.'), { code: 'validation_error' });
      const body = new FormData();
      body.append('name', dataName.value);
      body.append('file', file.files[0]);
      const dataset = await api('/api/data/upload/', { method: 'POST', body });
      const fresh = await symbolSelect({ testid: 'symbol-select', selected: dataset.name, refresh: true });
      symbol.replaceChildren(...fresh.children);
      symbol.value = dataset.name;
    }) }, 'Upload');
    const uploadBox = h('details', { class: 'upload' }, h('summary', {}, 'Upload your own data (CSV with Date, Open, High, Low, Close, Volume)'),
      h('div', { class: 'row' }, field('CSV file', file), field('Name', dataName), upload));
    // The run outlives the page: a reload or a return to the strategy follows it again.
    const job = keptJob({ key: `job:strategy:${strategy.id}:run`, scope: `job:strategy:${strategy.id}`, box: progressBox, button: submit, onResult });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const body = {
        symbol: symbol.value, cash: Number(cash.value), commission: Number(commission.value),
        spread: Number(spread.value), margin: Number(margin.value), trade_on_close: onClose.checked,
      };
      if (start.value) body.start = start.value;
      if (end.value) body.end = end.value;
      job.start(`/api/strategies/${strategy.id}/execute/`, body);
    });
    box.append(form, uploadBox);
  });
  return box;
}

function runsList(strategy, runs) {
  if (!runs.length) return h('p', { class: 'muted' }, 'No runs yet.');
  return h('ul', { class: 'list', 'data-testid': 'runs-list' }, runs.map((r) => h('li', {},
    h('a', { href: `#/strategy/${strategy.id}/run/${r.id}` }, `Run #${r.id}`), statusBadge(r.status, r.success),
    h('span', {}, `${r.test_symbol} · v${r.version ?? '–'} · ${dateTime(r.timestamp)}`),
    r.success ? h('span', {}, `return ${signed(r.return_pct)} · ${r.num_trades ?? '–'} trades · Sharpe ${num(r.sharpe_ratio)}`)
      : h('span', { class: 'muted' }, `${r.error_type}: ${String(r.error_message || '').slice(0, 120)}`))));
}

function codeEditor(strategy, reload) {
  const editor = h('textarea', { class: 'code-editor', spellcheck: 'false', wrap: 'off', 'data-testid': 'strategy-code', rows: '24', value: strategy.code || '' });
  const findings = h('div', { 'aria-live': 'polite' });
  // The textarea has no line numbers: a finding's "line 20" selects that line and scrolls to it.
  const goToLine = (n) => {
    const lines = editor.value.split('\n');
    const index = Math.min(Math.max(n, 1), lines.length) - 1;
    const start = lines.slice(0, index).reduce((sum, l) => sum + l.length + 1, 0);
    editor.focus();
    editor.setSelectionRange(start, start + lines[index].length);
    const lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 18;
    editor.scrollTop = Math.max(0, (index - 3) * lineHeight);
  };
  const validate = async () => {
    const result = await api('/api/production/strategies/validate-code/', { method: 'POST', body: { code: editor.value } });
    clear(findings, h('p', {}, result.valid ? '✓ Valid' : '✗ Not valid', result.strategy_class ? ` (class ${result.strategy_class})` : ''), findingsList(result.findings, { onLine: goToLine }));
    return result;
  };
  const save = h('button', { type: 'button', class: 'primary', 'data-testid': 'save-code', onclick: () => guard(async () => {
    const result = await validate();
    if (!result.valid) throw Object.assign(new Error('The code has validation errors; it was not saved.'), { code: 'validation_error' });
    await api(`/api/strategies/${strategy.id}/`, { method: 'PATCH', body: { code: editor.value } });
    await reload();
  }) }, 'Validate and save as a new version');
  return h('div', {}, field('Strategy code (backtesting.py)', editor),
    h('div', { class: 'row' }, h('button', { type: 'button', 'data-testid': 'validate-code', onclick: () => guard(validate) }, 'Validate'), save), findings);
}

// Delete the strategy (its versions, runs and files) after a confirmation in a modal dialog:
// a native <dialog> keeps focus inside and closes with Escape.
function deleteControl(strategy) {
  const confirmButton = h('button', { type: 'button', class: 'danger', 'data-testid': 'delete-confirm' }, 'Delete it');
  const cancel = h('button', { type: 'button', 'data-testid': 'delete-cancel', onclick: () => dialog.close() }, 'Keep it');
  const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': `delete-title-${strategy.id}`, 'data-testid': 'delete-dialog' },
    h('h2', { id: `delete-title-${strategy.id}` }, `Delete “${strategy.name}”?`),
    h('p', {}, `Its ${strategy.current_version} version(s), ${strategy.total_executions} run(s) and fix history are deleted too. This cannot be undone.`),
    h('div', { class: 'row' }, cancel, confirmButton));
  // Tab and Shift+Tab go round the two buttons (the page behind is inert, but the browser
  // would otherwise move focus out of the document).
  dialog.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab') return;
    const [first, last] = [cancel, confirmButton];
    if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  });
  confirmButton.addEventListener('click', () => guard(async () => {
    confirmButton.disabled = true;
    try {
      await api(`/api/strategies/${strategy.id}/`, { method: 'DELETE' });
      dialog.close();
      location.hash = '#/history';
    } finally {
      confirmButton.disabled = false;
    }
  }));
  const open = h('button', { type: 'button', class: 'linklike danger-link', 'data-testid': 'delete-strategy', onclick: () => { dialog.showModal(); cancel.focus(); } }, 'Delete strategy');
  return [open, dialog];
}

function versionsPanel(strategy, versions, reload) {
  if (versions.length < 1) return h('p', {}, 'No versions.');
  const option = (v) => h('option', { value: String(v.number) }, `v${v.number} · ${v.source} · ${dateTime(v.created_at)}`);
  const from = h('select', { 'data-testid': 'diff-from' }, versions.map(option));
  const to = h('select', { 'data-testid': 'diff-to' }, versions.map(option));
  if (versions.length > 1) from.value = String(versions[1].number);
  const out = h('div');
  const show = () => {
    const a = versions.find((v) => String(v.number) === from.value);
    const b = versions.find((v) => String(v.number) === to.value);
    clear(out, a === b ? h('p', { class: 'muted' }, 'Choose two different versions.') : diffBlock(lineDiff(a.code, b.code), { 'data-testid': 'version-diff' }));
  };
  from.addEventListener('change', show);
  to.addEventListener('change', show);
  show();
  const restore = h('button', { type: 'button', onclick: () => guard(async () => {
    await api(`/api/strategies/${strategy.id}/versions/${from.value}/restore/`, { method: 'POST' });
    await reload();
  }) }, 'Restore the "from" version');
  return h('div', {}, h('ul', { class: 'list' }, versions.map((v) => h('li', {}, h('strong', {}, `v${v.number}`), h('span', {}, v.source),
    v.message ? h('span', {}, v.message) : null, h('span', { class: 'muted' }, dateTime(v.created_at)),
    v.understood_as ? h('span', {}, v.understood_as) : null))),
  h('div', { class: 'row' }, field('From', from), field('To', to), restore), out);
}

function fixPanel(strategy, history, reload, kept) {
  // After a fix was applied the page is reloaded (new version, new runs); its outcome is kept.
  const out = kept || h('div', { 'aria-live': 'polite' }, fixesList(history) || h('p', { class: 'muted' }, 'No fix attempts yet.'));
  const progressBox = h('div');
  const button = h('button', { type: 'button', 'data-testid': 'fix-errors' }, 'Fix errors automatically');
  const show = async (result) => {
    const refused = result.stopped_reason === 'semantic_change_not_allowed';
    const allow = refused
      ? h('div', { class: 'warnings', 'data-testid': 'fix-proposed' },
        h('p', {}, h('strong', {}, '⚠ The only fix found changes what the strategy does; it was not applied.')),
        (result.proposed_changes || []).length ? h('ul', {}, result.proposed_changes.map((c) => h('li', {}, c))) : null,
        h('button', { type: 'button', 'data-testid': 'fix-allow-semantic', onclick: () => run(true) },
          'Apply it anyway (it changes what the strategy does)'))
      : null;
    const final = result.final_execution;
    const verified = result.success && final && final.execution_id
      ? h('p', { 'data-testid': 'fix-verified' }, `✓ Now version ${result.current_version}; verified by `,
        h('a', { href: `#/strategy/${strategy.id}/run/${final.execution_id}` }, `run #${final.execution_id}`), '.')
      : null;
    const changes = result.success && result.semantic_change && (result.changes || []).length
      ? h('div', { class: 'warnings' }, h('p', {}, h('strong', {}, '⚠ Applied with a change of meaning:')), h('ul', {}, result.changes.map((c) => h('li', {}, c))))
      : null;
    clear(out, h('p', { 'data-testid': 'fix-outcome' }, statusBadge(result.success ? 'fixed' : 'not fixed', result.success), ` ${result.detail || result.stopped_reason || ''}`),
      verified, changes, allow, fixesList(result.fixes));
    if (result.success) await reload({ keepFix: out, verifiedRun: final && final.execution_id });
  };
  // The fix outlives the page: a reload or a return to the strategy follows it again.
  const job = keptJob({ key: `job:strategy:${strategy.id}:fix`, scope: `job:strategy:${strategy.id}`, box: progressBox, button, onResult: show });
  // A fix that changes what the strategy does is only applied when the user says so.
  const run = (allowSemantic) => job.start(`/api/strategies/${strategy.id}/fix_errors/`, { max_attempts: 3, allow_semantic_changes: allowSemantic });
  button.addEventListener('click', () => run(false));
  return h('div', {}, h('p', {}, 'Runs the strategy, repairs the failure (rules first, then the LLM when configured) and re-runs to prove each fix.'), button, progressBox, out);
}

function chatMessage(m) {
  return h('li', { class: m.role },
    h('strong', {}, m.role === 'user' ? 'You' : 'Assistant'), ' ', h('span', { class: 'muted' }, dateTime(m.created_at)),
    h('p', { class: 'chat-text' }, m.content),
    m.understood_as ? h('p', { 'data-testid': 'chat-understood-as' }, h('em', {}, 'Now: '), m.understood_as) : null,
    m.understood && m.understood.length ? h('ul', {}, m.understood.map((u) => h('li', {}, u))) : null,
    m.version ? h('p', {}, `Created version ${m.version}.`) : null,
    m.diff ? diffBlock(m.diff) : null,
    m.findings && m.findings.length ? findingsList(m.findings) : null,
    m.error ? h('p', { class: 'badge bad' }, `✗ ${m.error.message}`) : null);
}

function chatPanel(strategy, messages, reload) {
  const log = h('ul', { class: 'chat-log', 'data-testid': 'chat-log', 'aria-live': 'polite' }, messages.map(chatMessage));
  // The log scrolls inside its box: keep the newest exchange (the reply just received) in view.
  const toNewest = () => requestAnimationFrame(() => { log.scrollTop = log.scrollHeight; });
  toNewest();
  const text = h('textarea', { rows: '2', 'data-testid': 'chat-input', placeholder: 'e.g. change the RSI period to 21' });
  const send = h('button', { type: 'submit', 'data-testid': 'chat-send' }, 'Send');
  const progressBox = h('div');
  const form = h('form', {}, field('Ask for a change or a question', text), send, progressBox);
  // The reply outlives the page: a reload or a return to the strategy follows its job again.
  // (No scope: the reply goes to its own log, it cannot cover a run's or a fix's outcome.)
  const job = keptJob({
    key: `job:strategy:${strategy.id}:chat`, box: progressBox, button: send,
    onResult: async (reply, { message }) => {
      if (text.value === message) text.value = ''; // sent; anything typed since stays
      clear(progressBox);
      const conversation = await api(`/api/strategies/${strategy.id}/chat/`);
      clear(log, (conversation.results || conversation).map(chatMessage));
      toNewest();
      if (reply && (reply.version || (reply.message && reply.message.version))) await reload();
    },
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!text.value.trim()) return;
    job.start(`/api/strategies/${strategy.id}/chat/`, { message: text.value });
  });
  return h('div', {}, log, form);
}

export async function renderStrategy(view, id) {
  const resultBox = h('div', { class: 'result', 'data-testid': 'result' });
  const load = async ({ keepFix, verifiedRun } = {}) => {
    const [strategy, versions, history, fixes, chat] = await Promise.all([
      api(`/api/strategies/${id}/`),
      api(`/api/strategies/${id}/versions/${qs({ page_size: 100 })}`),
      api(`/api/strategies/${id}/execution_history/${qs({ limit: 20 })}`),
      api(`/api/strategies/${id}/fix_history/`),
      api(`/api/strategies/${id}/chat/`),
    ]);
    const reload = async (options) => { await load(options); };
    const runsBox = h('div', {}, runsList(strategy, history.executions));
    const onResult = async (result) => {
      await renderExecution(resultBox, id, result.execution_id, { spec: strategy.spec });
      const latest = await api(`/api/strategies/${id}/execution_history/${qs({ limit: 20 })}`);
      clear(runsBox, runsList(strategy, latest.executions));
      resultBox.scrollIntoView({ block: 'start' });
    };
    const listOf = (body) => body.results || body;
    clear(view,
      h('div', { class: 'result-head' }, h('h1', {}, strategy.name), statusBadge(strategy.status),
        h('span', { class: 'muted' }, `version ${strategy.current_version} · ${strategy.total_executions} runs`), deleteControl(strategy)),
      strategy.description ? h('p', {}, strategy.description) : null,
      strategy.spec ? h('p', { 'data-testid': 'understood-as' }, strategy.understood_as || specSummary(strategy.spec)) : null,
      section('Run a backtest', runForm(strategy, onResult), resultBox),
      section('Runs', runsBox),
      h('div', { class: 'split' },
        section('Code', codeEditor(strategy, reload)),
        section('Chat', chatPanel(strategy, listOf(chat), reload))),
      section('Versions', versionsPanel(strategy, listOf(versions), reload)),
      section('Fix errors', fixPanel(strategy, listOf(fixes), reload, keepFix)));
    // The run shown above the fix was the failed one: show the run that proved the fix instead.
    if (keepFix) {
      clear(resultBox);
      if (verifiedRun) await renderExecution(resultBox, id, verifiedRun, { spec: strategy.spec });
    }
  };
  await load();
}

export async function renderRun(view, id, executionId, tab) {
  const back = h('a', { href: `#/strategy/${id}` }, '← Strategy');
  const box = h('div', { class: 'result', 'data-testid': 'result' });
  add(view, h('p', {}, back), box);
  const strategy = api(`/api/strategies/${id}/`);
  strategy.then((s) => { back.textContent = `← ${s.name}`; }, () => {});
  // The open tab is kept in the URL (#/strategy/1/run/2/optimise), so a link or a reload opens
  // it again; replaceState changes the address without a new history entry or a re-render.
  const onTab = (name) => {
    const hash = `#/strategy/${id}/run/${executionId}${name === 'summary' ? '' : `/${name}`}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  };
  await renderExecution(box, id, executionId, { spec: strategy.then((s) => s.spec), tab, onTab });
}

