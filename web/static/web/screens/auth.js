// Sign in and register (session cookie + CSRF; the token API stays for scripts).
import { api } from '../api.js';
import { afterLogin, setSession } from '../app.js';
import { field, guard, h } from '../ui.js';

export function renderLogin(view) {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, 'data-testid': 'login-username' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'login-password' });
  const form = h('form', { class: 'auth-form', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Sign in'),
    field('Username', username),
    field('Password', password),
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit' }, 'Sign in'),
    h('p', {}, 'No account yet? ', h('a', { href: '#/register', 'data-testid': 'go-register' }, 'Create one')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    guard(async () => {
      setSession(await api('/api/auth/session/login/', { method: 'POST', body: { username: username.value, password: password.value } }));
      afterLogin();
    });
  });
  view.append(h('div', { class: 'auth' }, form, h('p', { class: 'muted' },
    'The demo account is created by ', h('code', {}, 'make run'), ' on an empty database; its password is printed once in the terminal.')));
  username.focus();
}

export function renderRegister(view) {
  const input = (name, type, testid, autocomplete) => h('input', { name, type, autocomplete, required: name !== 'email', 'data-testid': testid });
  const username = input('username', 'text', 'register-username', 'username');
  const email = input('email', 'email', 'register-email', 'email');
  const password = input('password', 'password', 'register-password', 'new-password');
  const password2 = input('password2', 'password', 'register-password2', 'new-password');
  const form = h('form', { class: 'auth-form', 'aria-labelledby': 'register-title' },
    h('h1', { id: 'register-title' }, 'Create an account'),
    field('Username', username),
    field('Email (optional)', email),
    field('Password', password, 'At least 8 characters, not only digits, not a common password.'),
    field('Password again', password2),
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'register-submit' }, 'Create account'),
    h('p', {}, 'Have an account? ', h('a', { href: '#/login' }, 'Sign in')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    guard(async () => {
      const body = { username: username.value, email: email.value, password: password.value, password2: password2.value };
      setSession(await api('/api/auth/session/register/', { method: 'POST', body }));
      afterLogin();
    });
  });
  view.append(h('div', { class: 'auth' }, form));
  username.focus();
}
