// Workspace entry: ask who is signed in (200 either way), then route by the URL hash.
import { api } from './api.js';
import { clear, clearError, h, initBanner, showError } from './ui.js';

export const boot = JSON.parse(document.getElementById('boot').textContent);
export const session = { user: null, adminUrl: null };

const view = () => document.getElementById('view');

// hash -> [module, export]; screens are loaded on first use to keep the first load small.
const ROUTES = [
  [/^#\/login$/, './screens/auth.js', 'renderLogin'],
  [/^#\/register$/, './screens/auth.js', 'renderRegister'],
  [/^#\/describe$/, './screens/describe.js', 'renderDescribe'],
  [/^#\/strategy\/(\d+)\/run\/(\d+)(?:\/([a-z-]+))?$/, './screens/strategy.js', 'renderRun'],
  [/^#\/strategy\/(\d+)$/, './screens/strategy.js', 'renderStrategy'],
  [/^#\/history$/, './screens/history.js', 'renderHistory'],
  [/^#\/compare(?:\?runs=([\d,:]*))?$/, './screens/history.js', 'renderCompare'],
  [/^#\/indicators$/, './screens/library.js', 'renderIndicators'],
  [/^#\/templates$/, './screens/library.js', 'renderTemplates'],
];
const PUBLIC = new Set(['#/login', '#/register']);

export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

export function setSession(body) {
  session.user = body.authenticated ? body.user : null;
  session.adminUrl = body.admin_url || null;
  renderAccount();
}

function renderAccount() {
  const nav = document.getElementById('nav');
  const account = document.getElementById('account');
  nav.hidden = !session.user;
  if (!session.user) {
    clear(account);
    return;
  }
  clear(
    account,
    h('span', { class: 'muted' }, 'Signed in as ', h('strong', {}, session.user.username)),
    session.adminUrl ? h('a', { href: session.adminUrl, 'data-testid': 'admin-link' }, 'Admin') : null,
    h('button', { type: 'button', class: 'linklike', 'data-testid': 'sign-out', onclick: signOut }, 'Sign out'),
  );
}

async function signOut() {
  try {
    setSession(await api('/api/auth/session/logout/', { method: 'POST' }));
    navigate('#/login');
  } catch (err) {
    showError(err);
  }
}

let routeToken = 0;
async function route() {
  const token = ++routeToken;
  let hash = location.hash || '#/describe';
  if (!session.user && !PUBLIC.has(hash)) {
    sessionStorage.setItem('afterLogin', hash);
    hash = '#/login';
    history.replaceState(null, '', hash);
  } else if (session.user && PUBLIC.has(hash)) {
    hash = '#/describe';
    history.replaceState(null, '', hash);
  }
  clearError();
  for (const link of document.querySelectorAll('#nav a')) {
    link.toggleAttribute('aria-current', hash.startsWith(link.getAttribute('href')));
    if (link.hasAttribute('aria-current')) link.setAttribute('aria-current', 'page');
  }
  const found = ROUTES.find(([re]) => re.test(hash));
  if (!found) {
    clear(view(), h('p', {}, 'Nothing here. ', h('a', { href: '#/describe' }, 'Describe a strategy')));
    return;
  }
  const [re, modulePath, name] = found;
  const args = hash.match(re).slice(1);
  const module = await import(modulePath);
  if (token !== routeToken) return; // a newer navigation won
  const container = clear(view());
  try {
    await module[name](container, ...args);
  } catch (err) {
    if (err.status === 401 || err.status === 403) {
      setSession({ authenticated: false });
      navigate('#/login');
    }
    showError(err);
  }
  // Screens mark themselves ready so measurements and tests know when they are interactive.
  if (token === routeToken) document.body.dataset.screen = name;
}

export function afterLogin() {
  const target = sessionStorage.getItem('afterLogin') || '#/describe';
  sessionStorage.removeItem('afterLogin');
  navigate(PUBLIC.has(target) ? '#/describe' : target);
}

async function start() {
  initBanner();
  // "New strategy" while already describing starts over (the hash does not change).
  document.getElementById('nav').addEventListener('click', (e) => {
    const link = e.target.closest('a');
    if (link && link.getAttribute('href') === location.hash) {
      if (location.hash === '#/describe') { // start over
        sessionStorage.removeItem('describeDraft');
        sessionStorage.removeItem('describeLast');
        sessionStorage.removeItem('job:describe'); // a generation still running is not followed
      }
      route();
    }
  });
  try {
    setSession(await api('/api/auth/session/'));
  } catch (err) {
    showError(err);
  }
  window.addEventListener('hashchange', route);
  route();
}

start();
