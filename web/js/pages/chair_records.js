// chair_records.js — the chair screen's one-tap records: side effects, interventions, and the
// CADSS dissociation score (total and band computed by the server, src/clinic/scale).
import { get, post } from '../api.js';
import { h, clear, field, select, table, badge, fmtTime, can, onSubmit, errorBox } from '../dom.js';

const EFFECTS = [['nausea', 'Nausea'], ['vomiting', 'Vomiting'], ['dizziness', 'Dizziness'], ['headache', 'Headache'],
  ['dissociation', 'Dissociation'], ['anxiety', 'Anxiety'], ['sedation', 'Sedation'], ['hypertension', 'BP rise'],
  ['tachycardia', 'Tachycardia'], ['blurred-vision', 'Blurred vision']];
const ACTIONS = [['infusion-paused', 'Infusion paused'], ['infusion-resumed', 'Infusion resumed'], ['infusion-stopped', 'Infusion stopped'],
  ['antiemetic-given', 'Antiemetic given'], ['antihypertensive-given', 'Antihypertensive given'], ['oxygen-applied', 'Oxygen applied'],
  ['reassurance', 'Reassurance'], ['repositioned', 'Repositioned'], ['physician-called', 'Physician called']];
const label = (list, code) => (list.find(([c]) => c === code) || [code, code])[1];

export function effectsCard(id, me) {
  const list = h('div');
  const out = h('div');
  const sev = select('severity', ['mild', 'moderate', 'severe'], 'mild', { id: 'se-sev' });
  async function load() {
    const [{ side_effects: se }, { interventions: iv }] = await Promise.all([get(`/api/sessions/${id}/side-effects`), get(`/api/sessions/${id}/interventions`)]);
    const rows = [...se.map((e) => [e.at, fmtTime(e.at), label(EFFECTS, e.code), badge(e.severity, e.severity === 'severe' ? 'bad' : e.severity === 'moderate' ? 'warn' : '')]),
      ...iv.map((v) => [v.at, fmtTime(v.at), label(ACTIONS, v.action), `by ${v.by_user}`])].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map((r) => r.slice(1));
    clear(list, table(['Time', 'Side effect or intervention', 'Severity / by'], rows));
  }
  const tap = (path, body) => async () => {
    try { await post(`/api/sessions/${id}/${path}`, body()); await load(); clear(out); } catch (e) { clear(out, errorBox(e)); }
  };
  const card = h('section', { class: 'card', 'aria-labelledby': 'se-h' }, h('h2', { id: 'se-h' }, 'Side effects and interventions'),
    can(me, 'session', 'write') ? [h('div', { class: 'row no-print' }, field('Severity', sev)), h('p'),
      h('div', { class: 'taps no-print', role: 'group', 'aria-label': 'Side effects' }, EFFECTS.map(([code, text]) => h('button', { type: 'button', class: 'secondary', onclick: tap('side-effects', () => ({ code, severity: sev.value })) }, text))),
      h('h3', { class: 'no-print' }, 'Interventions'),
      h('div', { class: 'taps no-print', role: 'group', 'aria-label': 'Interventions' }, ACTIONS.map(([action, text]) => h('button', { type: 'button', class: 'secondary', onclick: tap('interventions', () => ({ action })) }, text))),
      out] : null, list);
  return { card, load };
}

export function dissociationCard(id, patientId, me) {
  const out = h('div', { 'aria-live': 'polite' });
  const f = h('form', { class: 'no-print' },
    h('div', { class: 'grid' }, Array.from({ length: 23 }, (_, i) => field(`Item ${i + 1}`, select(`c${i}`, [['0', '0 not at all'], ['1', '1 slightly'], ['2', '2 moderately'], ['3', '3 considerably'], ['4', '4 extremely']], '0')))),
    h('p'), h('button', { type: 'submit' }, 'Save CADSS'));
  onSubmit(f, out, async () => {
    const r = await post(`/api/patients/${patientId}/scales`, { scale: 'cadss', session_id: Number(id), answers: Array.from({ length: 23 }, (_, i) => Number(f.elements[`c${i}`].value)) });
    clear(out, h('p', { class: 'notice', role: 'status' }, `CADSS total ${r.total}${r.band ? ` — ${r.band}` : ''}`));
  });
  return can(me, 'scales', 'write') ? h('section', { class: 'card', 'aria-labelledby': 'dis-h' }, h('h2', { id: 'dis-h' }, 'Dissociation score'),
    h('details', { class: 'no-print' }, h('summary', {}, 'CADSS (23 items, clinician-administered)'), f), out) : null;
}
