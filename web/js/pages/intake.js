// intake.js — the screening questionnaire and medical history; the result (from src/clinic via
// POST /api/patients/:id/screenings) with every reason, its source and the action to take.
import { get, post } from '../api.js';
import { h, clear, field, select, check, table, badge, formData, checkedGroup, fmtDateTime, can, patientName, onSubmit } from '../dom.js';

const HISTORY = [
  ['psychosis-current', 'Current psychosis'], ['psychosis-history', 'History of psychosis'], ['bipolar', 'Bipolar disorder'],
  ['substance-use-active', 'Active substance use disorder'], ['substance-use-history', 'History of substance use disorder'],
  ['aneurysm', 'Aneurysmal vascular disease'], ['avm', 'Arteriovenous malformation'],
  ['intracerebral-haemorrhage', 'Intracerebral haemorrhage'], ['uncontrolled-hypertension', 'Uncontrolled hypertension'],
  ['cardiovascular-disease-uncontrolled', 'Uncontrolled cardio/cerebrovascular disease'], ['raised-icp', 'Raised intracranial pressure'],
  ['raised-iop', 'Raised intraocular pressure'], ['cystitis', 'Interstitial/ulcerative cystitis'], ['porphyria', 'Porphyria'],
  ['thyroid-disease', 'Thyroid disease'], ['hypersensitivity-ketamine', 'Hypersensitivity to ketamine/esketamine'],
];
const DIAG = [['trd', 'Treatment-resistant depression'], ['mdd', 'Major depressive disorder'], ['mdsi', 'MDD with suicidal ideation'],
  ['bipolar-depression', 'Bipolar depression'], ['ptsd', 'PTSD'], ['ocd', 'OCD'], ['gad', 'Generalised anxiety'], ['crps', 'CRPS / pain']];
export const verdict = { eligible: ['Eligible', 'ok'], caution: ['Eligible with cautions', 'warn'], ineligible: ['Not eligible', 'bad'] };
const sevKind = { absolute: 'bad', relative: 'warn', caution: 'warn' };

function resultView(r) {
  const [text, kind] = verdict[r.result || r.outcome];
  return h('div', { 'data-testid': 'screening-result' },
    h('div', { class: `verdict ${kind}`, role: 'status' }, text),
    table(['Severity', 'Finding', 'What to do', 'Source'], r.findings.map((f) => [badge(f.severity, sevKind[f.severity]), f.text, f.action, h('span', { class: 'small' }, f.source)])));
}

export async function render(main, { me, params }) {
  const id = params[0];
  const [p, list] = await Promise.all([get(`/api/patients/${id}`), get(`/api/patients/${id}/screenings`)]);
  const out = h('div', { 'aria-live': 'polite' });
  const n = (name, label, attrs = {}) => field(label, h('input', { name, type: 'number', ...attrs }));
  const form = h('form', { 'aria-labelledby': 'q-h' },
    h('h2', { id: 'q-h' }, 'Questionnaire and medical history'),
    h('fieldset', {}, h('legend', {}, 'Treatment considered'), h('div', { class: 'row' },
      field('Drug', select('drug', [['ketamine', 'Ketamine (racemic)'], ['esketamine', 'Esketamine (SPRAVATO)']], 'ketamine')),
      field('Route', select('route', [['iv', 'IV infusion'], ['im', 'IM'], ['nasal', 'Nasal (esketamine)'], ['oral', 'Oral'], ['sl', 'Sublingual']], 'iv')))),
    h('fieldset', {}, h('legend', {}, 'Diagnoses'), h('div', { class: 'grid' }, DIAG.map(([v, t]) => check(t, { value: v, 'data-group': 'diagnoses', name: 'diagnoses' })))),
    h('fieldset', {}, h('legend', {}, 'Medical and psychiatric history'), h('div', { class: 'grid' }, HISTORY.map(([v, t]) => check(t, { value: v, 'data-group': 'history', name: 'history' })))),
    h('fieldset', {}, h('legend', {}, 'Other'), h('div', { class: 'row' },
      field('Current medications (generic, comma separated)', h('input', { name: 'medications', size: 40 })),
      field('Allergies (comma separated; blank: none known)', h('input', { name: 'allergies', size: 30 })),
      n('adequate_antidepressant_trials', 'Adequate antidepressant trials', { min: 0, max: 50 }),
      field('Hepatic impairment', select('hepatic_impairment', ['none', 'mild', 'moderate', 'severe'], 'none')),
      check('Pregnant', { name: 'pregnant' }), check('Breastfeeding', { name: 'breastfeeding' }))),
    h('fieldset', {}, h('legend', {}, 'Measurements'), h('div', { class: 'row' },
      n('weight_kg', 'Weight (kg)', { step: '0.1', value: p.weight_kg || '' }), n('height_cm', 'Height (cm)', { step: '0.1' }),
      n('sbp', 'Systolic BP (mmHg)'), n('dbp', 'Diastolic BP (mmHg)'), n('hr', 'Heart rate (/min)'), n('spo2', 'SpO₂ (%)'))),
    can(me, 'clinical', 'write') ? h('button', { type: 'submit' }, 'Screen') : h('p', { class: 'notice' }, 'Only a prescriber records a screening.'),
    out);
  onSubmit(form, out, async () => {
    const d = formData(form);
    const body = { drug: d.drug, route: d.route, diagnoses: checkedGroup(form, 'diagnoses'), history: checkedGroup(form, 'history'),
      hepatic_impairment: d.hepatic_impairment, pregnant: !!d.pregnant, breastfeeding: !!d.breastfeeding };
    if (d.medications) body.medications = d.medications.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    if (d.allergies) body.allergies = d.allergies.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    for (const k of ['weight_kg', 'height_cm', 'adequate_antidepressant_trials']) if (d[k] !== undefined) body[k] = d[k];
    const v = {};
    for (const k of ['sbp', 'dbp', 'hr', 'spo2']) if (d[k] !== undefined) v[k] = d[k];
    if (Object.keys(v).length) body.vitals = v;
    const r = await post(`/api/patients/${id}/screenings`, body);
    clear(out, h('h2', {}, 'Result'), resultView(r));
    out.scrollIntoView({ block: 'start' });
  });
  clear(main, h('h1', {}, `Intake & screening — ${patientName(p)}`),
    h('p', {}, h('a', { href: `/patients/${id}`, 'data-link': true }, '← Patient')),
    h('section', { class: 'card' }, form),
    h('section', { class: 'card', 'aria-labelledby': 'prev-h' }, h('h2', { id: 'prev-h' }, 'Previous screenings'),
      list.screenings.length ? list.screenings.map((s) => h('div', {}, h('h3', {}, `${fmtDateTime(s.at)} by ${s.by_user}`), resultView(s)))
        : h('p', { class: 'muted' }, 'None yet.')));
}
