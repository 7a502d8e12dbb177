// ledger.js — controlled-substance ledger: balances per lot and location, entries, and forms for
// receipts, witnessed waste and counts (rules enforced by the server, src/clinic/ledger).
import { get, post } from '../api.js';
import { h, clear, field, select, table, badge, formData, fmtDateTime, can, onSubmit } from '../dom.js';

const mg = (ug) => `${(ug / 1000).toLocaleString(undefined, { maximumFractionDigits: 3 })} mg`;

function form(kind, title, extra, refresh) {
  const out = h('div');
  const f = h('form', { class: 'card no-print', 'aria-labelledby': `${kind}-h`, 'data-kind': kind }, h('h2', { id: `${kind}-h` }, title),
    h('div', { class: 'row' },
      field('Drug', select('drug', ['ketamine', 'esketamine'], 'ketamine')),
      field('Lot', h('input', { name: 'lot', required: true })),
      field('Location', h('input', { name: 'location', required: true, value: 'safe-1' })),
      field(kind === 'count' ? 'Counted (mg)' : 'Quantity (mg)', h('input', { name: 'qty_mg', type: 'number', step: '0.001', min: 0, required: true })),
      extra),
    h('p'), h('button', { type: 'submit' }, title), out);
  onSubmit(f, out, async () => {
    const r = await post('/api/ledger', { kind, ...formData(f) });
    refresh(r);
  });
  return f;
}

export async function render(main, { me, navigate }) {
  const [{ balances }, { entries }] = await Promise.all([get('/api/ledger/balances'), get('/api/ledger/entries')]);
  const refresh = () => navigate('/ledger');
  const disc = balances.reduce((n, b) => n + b.open_discrepancies, 0);
  clear(main, h('h1', {}, 'Controlled-substance ledger'),
    disc ? h('div', { class: 'alarm', role: 'alert' }, `${disc} open discrepanc${disc > 1 ? 'ies' : 'y'} — resolve with a reason (ketaclinic ledger resolve).`) : null,
    h('section', { class: 'card', 'aria-labelledby': 'bal-h' }, h('h2', { id: 'bal-h' }, 'Balances per lot and location'),
      table(['Drug', 'Lot', 'Location', 'Balance', 'Discrepancies'], balances.map((b) => [b.drug, b.lot, b.location, mg(b.balance_ug),
        b.open_discrepancies ? badge(String(b.open_discrepancies), 'bad') : '0']))),
    can(me, 'ledger', 'write') ? h('div', { class: 'grid' },
      form('receipt', 'Record receipt', field('Supplier and DEA number', h('input', { name: 'supplier', required: true })), refresh),
      form('waste', 'Record witnessed waste', [field('Witness (user name)', h('input', { name: 'witness', required: true, autocomplete: 'off' })),
        field('Witness password', h('input', { name: 'witness_password', type: 'password', required: true, autocomplete: 'off' }))], refresh),
      form('count', 'Record count', null, refresh)) : null,
    h('section', { class: 'card', 'aria-labelledby': 'en-h' }, h('h2', { id: 'en-h' }, 'Entries'),
      table(['#', 'When', 'Kind', 'Drug', 'Lot', 'Location', 'Quantity', 'By', 'Witness', 'Balance after'],
        entries.slice().reverse().map((e) => [String(e.seq), fmtDateTime(e.at), e.kind, e.drug, e.lot, e.location, mg(e.qty_ug), e.user, e.witness || '', mg(e.balance_after_ug)]))));
}
