// today.js — the day's chairs: who is booked, in session, ended; alarms at a glance; booking.
import { get, post } from '../api.js';
import { h, clear, field, badge, table, fmtTime, todayUTC, can, patientName, onSubmit } from '../dom.js';

const statusBadge = {
  planned: ['Booked', ''], started: ['In session', 'warn'], ended: ['In recovery', 'warn'], discharged: ['Discharged', 'ok'],
  cancelled: ['Cancelled', 'bad'],
};

export async function render(main, { me, query, navigate }) {
  const date = query.get('date') || todayUTC();
  const { sessions } = await get(`/api/sessions?date=${encodeURIComponent(date)}`);
  const alarms = {};
  if (can(me, 'vitals', 'read')) {
    await Promise.all(sessions.filter((s) => s.status === 'started').map(async (s) => {
      try { alarms[s.id] = (await get(`/api/sessions/${s.id}/vitals?after=${Number.MAX_SAFE_INTEGER}`)).alarms; } catch { /* shown in the chair */ }
    }));
  }
  // An ended session is in recovery until a discharge check found the patient ready.
  if (can(me, 'session', 'read')) {
    await Promise.all(sessions.filter((s) => s.status === 'ended').map(async (s) => {
      try { if ((await get(`/api/sessions/${s.id}/discharge`)).ready) s.status = 'discharged'; } catch { /* no check yet */ }
    }));
  }
  const count = (st) => sessions.filter((s) => s.status === st).length;
  const dateInput = h('input', { type: 'date', name: 'date', value: date });
  dateInput.addEventListener('change', () => navigate(`/?date=${dateInput.value}`));
  const rows = sessions.map((s) => {
    const [label, kind] = statusBadge[s.status] || [s.status, ''];
    const al = alarms[s.id] || [];
    const who = can(me, 'patient', 'read')
      ? h('a', { href: `/patients/${s.patient_id}`, 'data-link': true }, patientName(s)) : patientName(s);
    return [s.chair, fmtTime(s.planned_at), who, s.mrn, badge(label, kind),
      al.length ? badge(`${al.length} alarm${al.length > 1 ? 's' : ''}: ${al[al.length - 1].text}`, 'bad') : '',
      can(me, 'session', 'read') ? h('a', { class: 'button secondary', href: `/sessions/${s.id}`, 'data-link': true }, 'Open chair') : ''];
  });
  const out = h('div');
  const book = h('form', { class: 'card no-print', 'aria-labelledby': 'book-h' },
    h('h2', { id: 'book-h' }, 'Book a session'),
    h('div', { class: 'row' },
      field('Patient MRN', h('input', { name: 'mrn', required: true })),
      field('Date and time', h('input', { name: 'when', type: 'datetime-local', required: true })),
      field('Chair', h('input', { name: 'chair', value: 'chair-1', required: true })),
      h('button', { type: 'submit' }, 'Book')), out);
  onSubmit(book, out, async () => {
    const f = book.elements;
    const { patients } = await get(`/api/patients?q=${encodeURIComponent(f.mrn.value.trim())}`);
    const p = patients.find((x) => x.mrn.toLowerCase() === f.mrn.value.trim().toLowerCase());
    if (!p) throw new Error(`No patient with MRN ${f.mrn.value}`);
    await post('/api/sessions', { patient_id: p.id, planned_at: new Date(f.when.value).toISOString().replace(/\.\d+Z$/, 'Z'), chair: f.chair.value.trim() });
    navigate(`/?date=${new Date(f.when.value).toISOString().slice(0, 10)}`);
  });
  const nAlarm = Object.values(alarms).reduce((n, a) => n + a.length, 0);
  clear(main,
    h('div', { class: 'row' }, h('h1', {}, 'Today'), field('Day (UTC)', dateInput)),
    h('div', { class: 'stats', role: 'group', 'aria-label': 'Summary' },
      h('div', { class: 'stat' }, h('b', {}, String(count('planned'))), 'booked'),
      h('div', { class: 'stat' }, h('b', {}, String(count('started'))), 'in session'),
      h('div', { class: 'stat' }, h('b', {}, String(count('ended'))), 'in recovery'),
      h('div', { class: 'stat' }, h('b', {}, String(count('discharged'))), 'discharged'),
      h('div', { class: `stat${nAlarm ? ' alarm' : ''}` }, h('b', {}, String(nAlarm)), 'alarms')),
    h('p'),
    h('section', { class: 'card', 'aria-labelledby': 'chairs-h' }, h('h2', { id: 'chairs-h' }, `Chairs on ${date}`),
      table(['Chair', 'Time', 'Patient', 'MRN', 'Status', 'Alarms', ''], rows)),
    can(me, 'schedule', 'write') ? book : null);
}
