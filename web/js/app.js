// app.js — the single-page shell: login, the role's navigation, and a small history router.
// Pages live in pages/*.js and export render(main, ctx) (optionally returning a cleanup).
import { get, login, logout, ApiError } from './api.js';
import { h, clear, field, errorBox, can } from './dom.js';

const routes = [
  [/^\/$/, 'today', { res: 'schedule' }],
  [/^\/today$/, 'today', { res: 'schedule' }],
  [/^\/patients$/, 'patients', { res: 'patient' }],
  [/^\/patients\/(\d+)$/, 'patient', { res: 'patient' }],
  [/^\/patients\/(\d+)\/intake$/, 'intake', { res: 'clinical' }],
  [/^\/patients\/(\d+)\/plan$/, 'plan', { res: 'clinical' }],
  [/^\/sessions\/(\d+)$/, 'session', { res: 'session' }],
  [/^\/outcomes$/, 'outcomes', { res: 'scales' }],
  [/^\/ledger$/, 'ledger', { res: 'ledger' }],
  [/^\/billing$/, 'billing', { res: 'billing' }],
  [/^\/admin$/, 'admin', { res: 'audit' }],
];
const navItems = [
  ['/', 'Today', 'schedule'], ['/patients', 'Patients', 'patient'], ['/outcomes', 'Outcomes', 'scales'],
  ['/ledger', 'Ledger', 'ledger'], ['/billing', 'Billing', 'billing'], ['/admin', 'Admin', 'audit'],
];

const main = document.getElementById('main');
let me = null;
let cleanup = null;

export function navigate(path) {
  history.pushState({}, '', path);
  render();
}

function renderNav() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  if (!me) { clear(nav); clear(who); return; }
  const here = location.pathname;
  clear(nav, navItems.filter(([, , res]) => can(me, res, 'read') || (res === 'audit' && can(me, 'users', 'read')))
    .map(([href, text]) => {
      const cur = href === '/' ? (here === '/' || here === '/today' || here.startsWith('/sessions'))
        : here.startsWith(href);
      return h('a', { href, 'data-link': true, 'aria-current': cur ? 'page' : null }, text);
    }));
  clear(who, h('span', {}, `${me.user} · ${me.role}`),
    h('button', { class: 'link', type: 'button', onclick: async () => { await logout(); me = null; navigate('/login'); } },
      'Log out'));
}

function loginPage() {
  const out = h('div');
  const user = h('input', { name: 'user', autocomplete: 'username', required: true });
  const pw = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'card login', 'aria-labelledby': 'login-h' },
    h('h1', { id: 'login-h' }, 'Sign in to ketaclinic'),
    field('User name', user), h('p'), field('Password', pw), h('p'),
    h('button', { type: 'submit' }, 'Sign in'), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await login(user.value.trim(), pw.value);
      me = await get('/api/me');
      navigate('/');
    } catch (e) { clear(out, errorBox(e)); }
  });
  clear(main, form);
  main.dataset.ready = '1';
  user.focus();
}

async function render() {
  if (cleanup) { try { cleanup(); } catch { /* page already gone */ } cleanup = null; }
  document.getElementById('alarm-banner').hidden = true;
  delete main.dataset.ready;
  const path = location.pathname;
  const hit = routes.map(([re, page, opt]) => [path.match(re), page, opt]).find(([m]) => m);
  const modP = hit ? import(`./pages/${hit[1]}.js`) : null; // fetched while /api/me answers
  if (modP) modP.catch(() => {});
  if (!me && path !== '/login') {
    try { me = await get('/api/me'); } catch { me = null; }
  }
  renderNav();
  if (!me || path === '/login') { if (me) { navigate('/'); return; } loginPage(); return; }
  if (!hit) { clear(main, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '/', 'data-link': true }, 'Back to today'))); main.dataset.ready = '1'; return; }
  const [m, page, opt] = hit;
  if (opt.res && !can(me, opt.res, 'read') && !(page === 'admin' && can(me, 'users', 'read'))) {
    clear(main, h('h1', {}, 'Not available for your role'),
      h('p', { class: 'notice', role: 'status' }, `Your role (${me.role}) cannot open this page.`));
    main.dataset.ready = '1';
    return;
  }
  clear(main, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const mod = await modP;
    const ctx = { me, params: m.slice(1), navigate, query: new URLSearchParams(location.search) };
    cleanup = (await mod.render(main, ctx)) || null;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { me = null; navigate('/login'); return; }
    const denied = e instanceof ApiError && e.status === 403;
    clear(main, h('h1', {}, denied ? 'Not available for your role' : 'Something went wrong'), errorBox(e));
  }
  main.dataset.ready = '1';
  main.focus({ preventScroll: true });
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a[data-link]');
  if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
  ev.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', render);
render();
