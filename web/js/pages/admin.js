// admin.js — staff accounts and roles; the audit log with search.
import { get, post } from '../api.js';
import { h, clear, field, select, table, formData, fmtDateTime, can, onSubmit } from '../dom.js';

// The audit API pages forward (?after=seq); the viewer walks to the newest entries and keeps the
// latest 2000 (at most 50 pages).
async function latestAudit() {
  let after = 0, all = [];
  for (let page = 0; page < 50; page++) {
    const { entries } = await get(`/api/audit?after=${after}&limit=1000`);
    all = all.concat(entries).slice(-2000);
    if (entries.length < 1000) break;
    after = entries[entries.length - 1].seq;
  }
  return { entries: all };
}

export async function render(main, { me, navigate, query }) {
  const q = (query.get('q') || '').toLowerCase();
  const [users, audit] = await Promise.all([can(me, 'users', 'read') ? get('/api/users') : null,
    can(me, 'audit', 'read') ? latestAudit() : null]);
  const out = h('div');
  const add = h('form', { class: 'card', 'aria-labelledby': 'nu-h' }, h('h2', { id: 'nu-h' }, 'Add a staff member'),
    h('div', { class: 'row' }, field('User name', h('input', { name: 'name', required: true })),
      field('Display name', h('input', { name: 'display_name', required: true })),
      field('Role', select('role', ['prescriber', 'nurse', 'front-desk', 'auditor', 'admin'], 'nurse')),
      field('Initial password (12+ characters)', h('input', { name: 'password', type: 'password', required: true, autocomplete: 'new-password' }))),
    h('p'), h('button', { type: 'submit' }, 'Add user'), out);
  onSubmit(add, out, async () => { await post('/api/users', formData(add)); navigate('/admin'); });
  const search = h('form', { class: 'row', role: 'search' }, field('Search the audit log (user, action, record, detail)', h('input', { name: 'q', type: 'search', value: q })),
    h('button', { type: 'submit' }, 'Search'));
  search.addEventListener('submit', (ev) => { ev.preventDefault(); navigate(`/admin?q=${encodeURIComponent(search.elements.q.value.trim())}`); });
  const entries = audit ? audit.entries.filter((e) => !q || [e.user, e.role, e.action, e.resource_type, e.resource_id, e.detail, e.outcome, e.source]
    .some((v) => String(v).toLowerCase().includes(q))).reverse() : [];
  clear(main, h('h1', {}, 'Admin'),
    users ? h('section', { class: 'card', 'aria-labelledby': 'st-h' }, h('h2', { id: 'st-h' }, 'Staff and roles'),
      table(['User', 'Name', 'Role', 'Active'], users.users.map((u) => [u.name, u.display_name, u.role, u.active ? 'yes' : 'no']))) : null,
    can(me, 'users', 'write') ? add : null,
    audit ? h('section', { class: 'card', 'aria-labelledby': 'au-h' }, h('h2', { id: 'au-h' }, 'Audit log'), search,
      table(['#', 'When', 'User', 'Role', 'Action', 'Record', 'Outcome', 'Detail'], entries.slice(0, 300).map((e) => [String(e.seq), fmtDateTime(e.at), e.user, e.role, e.action,
        `${e.resource_type} ${e.resource_id}`, e.outcome, e.detail])),
      h('p', { class: 'muted small' }, `${entries.length} matching of the latest ${audit.entries.length} entries.`)) : null);
}
