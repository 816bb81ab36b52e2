// Python highlighting and line diffs, small enough to need no third-party library.
import { h } from './ui.js';

const KEYWORDS = new Set('False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield self'.split(' '));
const TOKEN = /("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|#[^\n]*|\b\d+(?:\.\d+)?\b|\b[A-Za-z_]\w*\b|@\w+)/g;

// A <pre><code> with the whole source as text (tests and screen readers read it all).
export function codeBlock(source, attrs = {}) {
  const code = h('code', { class: 'python' });
  let last = 0;
  for (const match of source.matchAll(TOKEN)) {
    const t = match[0];
    if (match.index > last) code.append(source.slice(last, match.index));
    let cls = null;
    if (t.startsWith('#')) cls = 'tok-comment';
    else if (t[0] === '"' || t[0] === "'") cls = 'tok-string';
    else if (/^\d/.test(t)) cls = 'tok-number';
    else if (t.startsWith('@')) cls = 'tok-decorator';
    else if (KEYWORDS.has(t)) cls = 'tok-keyword';
    else if (source.slice(Math.max(0, match.index - 4), match.index).match(/(def|class) $/)) cls = 'tok-name';
    code.append(cls ? h('span', { class: cls }, t) : t);
    last = match.index + t.length;
  }
  code.append(source.slice(last));
  return h('pre', { class: 'code', tabindex: '0', ...attrs }, code);
}

// Longest-common-subsequence line diff -> [{op: ' '|'-'|'+', line}].
export function lineDiff(a, b) {
  const x = a.split('\n');
  const y = b.split('\n');
  const n = x.length;
  const m = y.length;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i -= 1) for (let j = m - 1; j >= 0; j -= 1) table[i][j] = x[i] === y[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
  const out = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) { out.push({ op: ' ', line: x[i] }); i += 1; j += 1; } else if (table[i + 1][j] >= table[i][j + 1]) { out.push({ op: '-', line: x[i] }); i += 1; } else { out.push({ op: '+', line: y[j] }); j += 1; }
  }
  while (i < n) out.push({ op: '-', line: x[i++] });
  while (j < m) out.push({ op: '+', line: y[j++] });
  return out;
}

// Render a diff (from lineDiff, or a unified diff text from the API), with +/- signs, not colour only.
export function diffBlock(diff, attrs = {}) {
  const rows = typeof diff === 'string'
    ? diff.split('\n').map((line) => ({ op: line.startsWith('+') && !line.startsWith('+++') ? '+' : line.startsWith('-') && !line.startsWith('---') ? '-' : ' ', line, raw: true }))
    : diff;
  const changed = rows.filter((r) => r.op !== ' ').length;
  return h('pre', { class: 'diff', tabindex: '0', 'aria-label': `Diff, ${changed} changed lines`, ...attrs },
    rows.map((r) => h('span', { class: r.op === '+' ? 'add' : r.op === '-' ? 'del' : 'same' }, r.raw ? r.line : `${r.op} ${r.line}`, '\n')));
}
