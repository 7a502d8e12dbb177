// plan.js — treatment plan: condition, route, protocol, dose basis and the dated course (all
// computed by the server from src/clinic), the predicted concentration under every eligible PK
// model (POST /api/pk/simulate), and the prescriber's signature.
import { get, post } from '../api.js';
import { h, clear, field, select, check, badge, formData, num, fmtDateTime, can, patientName, onSubmit, todayUTC } from '../dom.js';
import { lineChart } from '../chart.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function doseView(d) {
  return h('dl', { class: 'kv', 'data-testid': 'dose' },
    h('dt', {}, 'Drug'), h('dd', {}, `${d.drug}, ${d.route}`),
    h('dt', {}, 'Dose'), h('dd', {}, `${num(d.dose_mg_base, 2)} mg base (${num(d.mg_per_kg, 2)} mg/kg × ${num(d.weight_used_kg, 1)} kg ${d.weight_basis})`),
    h('dt', {}, 'As hydrochloride'), h('dd', {}, `${num(d.dose_mg_salt, 2)} mg`),
    d.duration_min ? [h('dt', {}, 'Infusion'), h('dd', {}, `${num(d.duration_min, 0)} min at ${num(d.rate_mg_per_min, 3)} mg/min`)] : null,
    d.rate_ml_per_h ? [h('dt', {}, 'Pump rate'), h('dd', { class: 'big', 'data-testid': 'pump-rate' }, `${num(d.rate_ml_per_h, 1)} mL/h`)] : null,
    d.volume_text ? [h('dt', {}, 'Volume'), h('dd', { 'data-testid': 'volume' }, d.volume_text)] : null,
    h('dt', {}, 'Weight basis'), h('dd', {}, d.weight_formula),
    d.notes.length ? [h('dt', {}, 'Notes'), h('dd', {}, d.notes.join('; '))] : null);
}

function calendar(sessions) {
  const cells = [h('div', { class: 'head' }, 'Mon'), ...['Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((d) => h('div', { class: 'head' }, d))];
  if (!sessions.length) return h('div');
  const first = new Date(`${sessions[0].date}T00:00:00Z`);
  const start = new Date(first); start.setUTCDate(first.getUTCDate() - ((first.getUTCDay() + 6) % 7));
  const last = new Date(`${sessions[sessions.length - 1].date}T00:00:00Z`);
  const byDate = Object.fromEntries(sessions.map((s) => [s.date, s]));
  for (let d = new Date(start); d <= last || (d.getUTCDay() + 6) % 7 !== 0; d.setUTCDate(d.getUTCDate() + 1)) {
    const iso = d.toISOString().slice(0, 10);
    const s = byDate[iso];
    cells.push(h('div', { class: s ? 'dose' : '' }, iso.slice(5), s ? h('div', {}, `#${s.n} ${s.phase}`) : null));
  }
  return h('div', { class: 'cal', role: 'grid', 'aria-label': 'Course calendar' }, cells);
}

async function pkChart(el, plan, weight) {
  const models = plan.pk_models || [];
  if (!plan.dose.pk_doses.length || !models.length) { el.append(h('p', { class: 'muted' }, 'No PK model covers this route.')); return; }
  const runs = await Promise.all(models.map((m) => post('/api/pk/simulate', { model: m.id, weight_kg: weight, doses: plan.dose.pk_doses, until_min: 240, step_min: 2 })
    .then((r) => ({ m, r })).catch(() => null)));
  const ok = runs.filter(Boolean);
  if (!ok.length) return;
  lineChart(el, { x: ok[0].r.time_min, xLabel: 'minutes from start', yLabel: 'Cp ng/mL', height: 280,
    series: ok.map(({ m, r }) => ({ label: `${m.name} (${m.confidence})`, data: r.cp_ng_per_ml, points: false })) });
  const peaks = ok.map(({ r }) => r.summary.cmax_ng_per_ml);
  el.append(h('p', { class: 'muted small' }, `Peak plasma concentration across ${ok.length} eligible models: ${num(Math.min(...peaks), 0)}–${num(Math.max(...peaks), 0)} ng/mL (the spread is the model uncertainty).`));
}

function planView(plan, me, weight, refresh) {
  const out = h('div');
  const sign = !plan.signed_by && can(me, 'clinical', 'sign')
    ? h('button', { type: 'button', onclick: async () => { try { await post(`/api/plans/${plan.id}/sign`); refresh(); } catch (e) { clear(out, h('div', { class: 'error' }, e.message)); } } }, 'Sign plan') : null;
  const chart = h('div', { class: 'chart', role: 'img', 'aria-label': 'Predicted plasma concentration under each eligible model' });
  const card = h('section', { class: 'card', 'data-testid': 'plan' },
    h('h2', {}, `${plan.protocol} for ${plan.condition} `, plan.signed_by ? badge(`signed by ${plan.signed_by} ${fmtDateTime(plan.signed_at)}`, 'ok') : badge('not signed', 'warn')),
    h('div', { class: 'grid' }, h('div', {}, h('h3', {}, 'Dose'), doseView(plan.dose)),
      h('div', {}, h('h3', {}, `Schedule (${plan.schedule.sessions.length} sessions)`), calendar(plan.schedule.sessions),
        plan.schedule.warnings.map((w) => h('p', { class: 'notice' }, w)),
        h('p', { class: 'muted small' }, `Source: ${plan.schedule.source}; at least ${plan.schedule.min_gap_days} days apart.`))),
    h('h3', {}, 'Predicted concentration'), chart, sign, out);
  requestAnimationFrame(() => pkChart(chart, plan, weight));
  return card;
}

export async function render(main, { me, params, navigate }) {
  const id = params[0];
  const [p, { plans }] = await Promise.all([get(`/api/patients/${id}`), get(`/api/patients/${id}/plans`)]);
  const refresh = () => navigate(`/patients/${id}/plan`);
  const out = h('div');
  const form = h('form', { class: 'card no-print', 'aria-labelledby': 'np-h' }, h('h2', { id: 'np-h' }, 'New treatment plan'),
    h('div', { class: 'row' },
      field('Condition', select('condition', [['trd', 'TRD'], ['mdd', 'MDD'], ['mdsi', 'MDSI'], ['ptsd', 'PTSD'], ['ocd', 'OCD'], ['bipolar-depression', 'Bipolar depression'], ['crps', 'CRPS (4-hour infusions)']], 'trd')),
      field('Protocol', select('protocol', [['iv-induction', 'IV induction'], ['iv-maintenance', 'IV maintenance'], ['spravato-trd', 'SPRAVATO TRD'], ['mdsi', 'SPRAVATO MDSI']], 'iv-induction')),
      field('Route', select('route', [['iv', 'IV'], ['im', 'IM'], ['nasal', 'Nasal (esketamine)'], ['oral', 'Oral'], ['sl', 'Sublingual'], ['in', 'Intranasal (racemic)']], 'iv')),
      field('Start date', h('input', { name: 'start_date', type: 'date', value: todayUTC(), required: true })),
      field('Sessions per week', select('per_week', [['3', '3'], ['2', '2']], '3'))),
    h('fieldset', {}, h('legend', {}, 'Clinic days'), h('div', { class: 'row' }, DAYS.map((d, i) => check(d, { value: d, 'data-group': 'days', checked: i < 5 })))),
    h('div', { class: 'row' },
      field('Dose (mg/kg)', h('input', { name: 'mg_per_kg', type: 'number', step: '0.01', value: '0.5' })),
      field('Fixed dose (mg, nasal/oral/intranasal)', h('input', { name: 'fixed_mg', type: 'number', step: '1' })),
      field('Infusion (min)', h('input', { name: 'duration_min', type: 'number', value: '40' })),
      field('Concentration (mg/mL)', h('input', { name: 'conc_mg_per_ml', type: 'number', step: '0.01', value: '1' })),
      field('Weight basis', select('basis', [['auto', 'Auto (ideal from BMI 30)'], ['actual', 'Actual'], ['ideal', 'Ideal'], ['adjusted', 'Adjusted']], 'auto')),
      field('Reason for a dose above the default (prescriber)', h('input', { name: 'override_reason', size: 30 }))),
    can(me, 'clinical', 'write') ? h('button', { type: 'submit' }, 'Make plan') : h('p', { class: 'notice' }, 'Only a prescriber makes a plan.'), out);
  onSubmit(form, out, async () => {
    const d = formData(form);
    d.per_week = Number(d.per_week);
    const days = [...form.querySelectorAll('input[data-group="days"]:checked')].map((b) => b.value);
    if (days.length) d.clinic_days = days.join(',');
    if (d.route !== 'iv') { delete d.duration_min; delete d.conc_mg_per_ml; delete d.per_week; }
    if (d.fixed_mg) delete d.mg_per_kg;
    await post(`/api/patients/${id}/plans`, d);
    refresh();
  });
  clear(main, h('h1', {}, `Treatment plan — ${patientName(p)}`),
    h('p', {}, h('a', { href: `/patients/${id}`, 'data-link': true }, '← Patient'), p.weight_kg ? ` · weight ${p.weight_kg} kg` : ' · no weight recorded'),
    plans.map((pl) => planView(pl, me, p.weight_kg || pl.dose.weight_used_kg, refresh)), form);
}
