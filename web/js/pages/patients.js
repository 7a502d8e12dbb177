// patients.js — find a patient, or register one (front desk and clinical staff).
import { get, post } from '../api.js';
import { h, clear, field, select, table, formData, can, patientName, onSubmit } from '../dom.js';

export async function render(main, { me, query, navigate }) {
  const q = query.get('q') || '';
  const { patients } = await get(`/api/patients?q=${encodeURIComponent(q)}&limit=100`);
  const search = h('form', { class: 'row', role: 'search' },
    field('Search by MRN or name', h('input', { name: 'q', value: q, type: 'search' })),
    h('button', { type: 'submit' }, 'Search'));
  search.addEventListener('submit', (ev) => { ev.preventDefault(); navigate(`/patients?q=${encodeURIComponent(search.elements.q.value.trim())}`); });
  const rows = patients.map((p) => [h('a', { href: `/patients/${p.id}`, 'data-link': true }, patientName(p)), p.mrn, p.birth_date, p.sex]);
  const out = h('div');
  const reg = h('form', { class: 'card', 'aria-labelledby': 'reg-h' },
    h('h2', { id: 'reg-h' }, 'Register a patient'),
    h('div', { class: 'row' },
      field('MRN', h('input', { name: 'mrn', required: true, maxlength: 31 })),
      field('Family name', h('input', { name: 'family_name', required: true, maxlength: 63 })),
      field('Given name', h('input', { name: 'given_name', maxlength: 63 })),
      field('Date of birth', h('input', { name: 'birth_date', type: 'date', required: true })),
      field('Sex', select('sex', ['female', 'male', 'other', 'unknown'], 'unknown'))),
    h('div', { class: 'row' },
      field('Phone', h('input', { name: 'phone', type: 'tel', maxlength: 31 })),
      field('Email', h('input', { name: 'email', type: 'email', maxlength: 95 })),
      field('Emergency contact', h('input', { name: 'emergency_name', maxlength: 95 })),
      field('Emergency phone', h('input', { name: 'emergency_phone', type: 'tel', maxlength: 31 })),
      field('Weight (kg)', h('input', { name: 'weight_kg', type: 'number', step: '0.1', min: 1, max: 400 })),
      field('Height (cm)', h('input', { name: 'height_cm', type: 'number', step: '0.1', min: 30, max: 250 }))),
    h('p'), h('button', { type: 'submit' }, 'Register'), out);
  onSubmit(reg, out, async () => {
    const d = formData(reg);
    const { weight_kg: w, height_cm: ht, ...p } = d;
    const created = await post('/api/patients', p);
    if (w) await post(`/api/patients/${created.id}/weights`, ht ? { weight_kg: w, height_cm: ht } : { weight_kg: w });
    navigate(`/patients/${created.id}`);
  });
  clear(main, h('h1', {}, 'Patients'), h('section', { class: 'card' }, search, h('p'), table(['Name', 'MRN', 'Born', 'Sex'], rows)),
    can(me, 'patient', 'write') ? reg : null);
}
