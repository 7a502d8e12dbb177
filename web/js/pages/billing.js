// billing.js — a patient's account (GET /api/patients/:id/billing, rules in src/clinic/billing):
// charges derived by the server from a session's record, payments, the balance.  Amounts are
// integer cents from the server; the page only formats them.
import { get, post } from '../api.js';
import { h, clear, field, select, table, fmtDateTime, can, patientName, onSubmit } from '../dom.js';

const money = (cents) => `${cents < 0 ? '−' : ''}$${(Math.abs(cents) / 100).toFixed(2)}`;

// "12.5" or "12.50" -> 1250 cents, exactly (no floating point); null when malformed.
export function toCents(text) {
  const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text.trim());
  return m ? Number(m[1]) * 100 + Number((m[2] || '0').padEnd(2, '0')) : null;
}

async function pick(main, q, navigate) {
  const { patients } = await get(`/api/patients?q=${encodeURIComponent(q)}&limit=50`);
  const search = h('form', { class: 'row', role: 'search' },
    field('Find the patient (MRN or name)', h('input', { name: 'q', type: 'search', value: q })), h('button', { type: 'submit' }, 'Search'));
  search.addEventListener('submit', (ev) => { ev.preventDefault(); navigate(`/billing?q=${encodeURIComponent(search.elements.q.value.trim())}`); });
  clear(main, h('h1', {}, 'Billing'), h('section', { class: 'card' }, search, h('p'),
    table(['Patient', 'MRN', 'Born'], patients.map((p) => [h('a', { href: `/billing?patient=${p.id}`, 'data-link': true }, patientName(p)), p.mrn, p.birth_date]))));
}

export async function render(main, { me, query, navigate }) {
  const pid = query.get('patient');
  if (!pid) return pick(main, query.get('q') || '', navigate);
  const [p, acct, sess] = await Promise.all([get(`/api/patients/${pid}`), get(`/api/patients/${pid}/billing`),
    can(me, 'schedule', 'read') ? get(`/api/sessions?patient_id=${pid}`) : { sessions: [] }]);
  const t = acct.totals;
  const charged = new Set(acct.entries.filter((e) => e.kind === 'charge').map((e) => e.session_id));
  const again = () => navigate(`/billing?patient=${pid}`);
  const out = h('div');
  const write = can(me, 'billing', 'write');
  const charge = (s) => {
    const svc = select('service', [['', 'from the record'], ['consult', 'consultation'], ['followup', 'follow-up']], '', { 'aria-label': `Service for the session of ${fmtDateTime(s.planned_at)}` });
    const b = h('button', { type: 'button', class: 'secondary', onclick: async () => {
      try { await post(`/api/sessions/${s.id}/charges`, svc.value ? { service: svc.value } : {}); again(); } catch (e) { clear(out, h('div', { class: 'error', role: 'alert' }, e.message)); }
    } }, 'Charge');
    return h('span', { class: 'row' }, svc, b);
  };
  const pay = h('form', { class: 'row no-print', 'aria-labelledby': 'pay-h' }, h('h3', { id: 'pay-h' }, 'Record a payment'),
    field('Amount ($)', h('input', { name: 'amount', inputmode: 'decimal', required: true, pattern: '\\d{1,7}(\\.\\d{1,2})?' })),
    field('Method', select('method', ['card', 'cash', 'check', 'insurance'], 'card')), h('button', { type: 'submit' }, 'Record payment'));
  onSubmit(pay, out, async () => {
    const cents = toCents(pay.elements.amount.value);
    if (cents === null || cents === 0) throw new Error('Enter an amount such as 25 or 25.50');
    await post(`/api/patients/${pid}/billing`, { kind: 'payment', cents, method: pay.elements.method.value });
    again();
  });
  clear(main, h('h1', {}, `Billing — ${patientName(p)}`),
    h('p', {}, h('a', { href: '/billing', 'data-link': true }, '← Find another patient'), ` · MRN ${p.mrn}`),
    h('div', { class: 'stats', role: 'group', 'aria-label': 'Account' },
      h('div', { class: 'stat' }, h('b', {}, money(t.charges_cents - t.voids_cents)), 'charged'),
      h('div', { class: 'stat' }, h('b', {}, money(t.payments_cents - t.refunds_cents)), 'paid'),
      h('div', { class: 'stat', 'data-testid': 'balance' }, h('b', {}, money(t.balance_cents)), 'balance')),
    h('p'), out,
    h('section', { class: 'card', 'aria-labelledby': 'en-h' }, h('h2', { id: 'en-h' }, 'Account entries'),
      table(['When', 'Kind', 'Session', 'Code', 'Units', 'Amount', 'Payer / method'], acct.entries.map((e) => [fmtDateTime(e.at), e.kind,
        e.session_id ? String(e.session_id) : '', `${e.code}${e.modifier ? `-${e.modifier}` : ''}`, e.kind === 'charge' ? String(e.units) : '', money(e.cents), e.payer || e.method]))),
    h('section', { class: 'card', 'aria-labelledby': 'bs-h' }, h('h2', { id: 'bs-h' }, 'Sessions'),
      table(['Date', 'Chair', 'Status', ''], sess.sessions.map((s) => [fmtDateTime(s.planned_at), s.chair, s.status,
        charged.has(s.id) ? 'charged' : write && s.status === 'ended' ? charge(s) : '']))),
    write ? h('section', { class: 'card' }, pay) : null,
    h('p', { class: 'muted small' }, 'Claims and payment plans: see `ketaclinic billing` until their pages land.'));
}
