// Pieces several screens share.
import { api } from '../api.js';
import { h } from '../ui.js';

let symbolsCache = null;

export async function symbols(refresh = false) {
  if (!symbolsCache || refresh) symbolsCache = (await api('/api/data/symbols/')).symbols;
  return symbolsCache;
}

// A native <select> of every symbol the data API knows (bundled, cached and my uploads).
export async function symbolSelect({ testid = 'symbol-select', selected = 'GOOG', name = 'symbol', refresh = false } = {}) {
  const list = await symbols(refresh);
  return h('select', { name, 'data-testid': testid }, list.map((s) => h('option', { value: s.symbol, selected: s.symbol === selected },
    `${s.symbol} (${s.source}, ${s.interval || '?'}, ${String(s.start).slice(0, 10)} – ${String(s.end).slice(0, 10)})`)));
}
