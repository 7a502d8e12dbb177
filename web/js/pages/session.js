// session.js — the chair screen: checklist, dose and pump rate (from the signed plan, computed by
// the server), live vitals with the predicted Cp/Ce, timers, one-tap side effects, alarms from
// the server's clinical rules, discharge checklist, printable record.  Live updates: after the
// first GET /api/sessions/:id/vitals, the page listens to the session's Server-Sent Events stream
// (GET /api/sessions/:id/events; src/http/events.h): new readings with the alarms, and "session"
// when something else changed.  EventSource reconnects by itself (Last-Event-ID); where it is
// missing the page falls back to asking every 2 s.
import { get, post } from '../api.js';
import { h, clear, field, select, check, table, badge, fmtTime, fmtDateTime, num, can, patientName, onSubmit } from '../dom.js';
import { lineChart } from '../chart.js';
import { doseView } from './plan.js';
import { effectsCard, dissociationCard } from './chair_records.js';
import { giveDoseForm } from './give_dose.js';
import { remsCard } from './rems_card.js';

const POLL_MS = 2000;
const CODES = ['sbp', 'dbp', 'hr', 'spo2'];
const ALDRETE = ['Activity', 'Respiration', 'Circulation', 'Consciousness', 'SpO₂'];

const pad = (n) => String(n).padStart(2, '0');
const hms = (ms) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s >= 86400 ? `${Math.floor(s / 86400)} d ago` : `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
};

export async function render(main, { me, params, navigate }) {
  const id = params[0];
  // Reads that need only the session id start at once, beside the session itself.
  const effects = effectsCard(id, me);
  const effectsLoaded = effects.load().catch(() => {});
  let firstVitals = can(me, 'vitals', 'read') ? get(`/api/sessions/${id}/vitals?after=0`) : null;
  if (firstVitals) firstVitals.catch(() => {});
  const s = await get(`/api/sessions/${id}`);
  const [p, plans] = await Promise.all([get(`/api/patients/${s.patient_id}`),
    can(me, 'clinical', 'read') ? get(`/api/patients/${s.patient_id}/plans`).then((x) => x.plans, () => []) : []]);
  const plan = plans.find((x) => x.signed_by) || plans[0];
  const banner = document.getElementById('alarm-banner');
  const state = { after: 0, obs: [], alarms: [], plot: null, pk: null, timers: [] };

  // --- header and timers
  const elapsed = h('span', { class: 'big', 'data-testid': 'elapsed' }, '0:00:00');
  const since = s.started_at || null;
  const statusBtns = h('div', { class: 'row no-print' },
    s.status === 'planned' && can(me, 'session', 'write') ? h('button', { type: 'button', onclick: async () => { await post(`/api/sessions/${id}/status`, { status: 'started' }); navigate(`/sessions/${id}`); } }, 'Start session') : null,
    s.status === 'started' && can(me, 'session', 'write') ? h('button', { type: 'button', class: 'secondary', onclick: async () => { await post(`/api/sessions/${id}/status`, { status: 'ended' }); navigate(`/sessions/${id}`); } }, 'End infusion — start observation') : null,
    h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, 'Print session record'));
  const head = h('section', { class: 'card' },
    h('div', { class: 'row' }, h('div', {}, h('h1', {}, `${patientName(p)} · ${s.chair}`),
      h('p', { class: 'muted' }, `MRN ${p.mrn} · planned ${fmtDateTime(s.planned_at)} · `, badge(s.status, s.status === 'started' ? 'warn' : ''),
        s.started_at ? ` · started ${fmtTime(s.started_at)}` : '', s.ended_at ? ` · ended ${fmtTime(s.ended_at)}` : '')),
    h('div', {}, h('div', { class: 'muted small' }, s.status === 'ended' ? 'Observation' : 'Session time'), elapsed)),
    statusBtns);
  const tick = () => {
    const from = s.status === 'ended' ? s.ended_at : since;
    if (from) elapsed.textContent = hms(Date.now() - Date.parse(from));
  };
  tick();
  state.timers.push(setInterval(tick, 1000));

  // --- checklist and dose
  const checklist = h('fieldset', {}, h('legend', {}, 'Pre-session checklist'),
    check('Baseline vitals taken', { name: 'c_vitals' }), check('Fasting confirmed', { name: 'c_fasting' }),
    check('Escort confirmed for the trip home', { name: 'c_escort' }), check('BP below the pre-dose threshold (see alarms)', { name: 'c_bp' }),
    check('IV access and monitor attached', { name: 'c_iv' }));
  const doseCard = h('section', { class: 'card', 'aria-labelledby': 'dose-h' }, h('h2', { id: 'dose-h' }, 'Dose and pump'),
    plan ? [doseView(plan.dose), plan.signed_by ? badge(`plan signed by ${plan.signed_by}`, 'ok') : badge('plan NOT signed — do not start', 'bad')]
      : h('p', { class: 'notice' }, 'No treatment plan for this patient.'), checklist);
  if (s.status === 'started' || s.status === 'ended') {
    giveDoseForm(id, s.patient_id, plan, me, s.status === 'started', (r, startedAt) => {
      if (state.gone) return;
      if (r && r.prediction) { state.pk = r.prediction; state.pkStart = Date.now(); } else if (startedAt) state.pkStart = Date.parse(startedAt);
      drawChart();
    })
      .then((f) => { if (f) doseCard.append(f); }, () => {});
  }

  // --- live vitals
  const alarmsEl = h('div', { 'aria-live': 'assertive', 'data-testid': 'alarms' });
  const latest = h('dl', { class: 'kv', 'data-testid': 'latest' });
  const chartEl = h('div', { class: 'chart', role: 'img', 'aria-label': 'Vital signs and predicted concentration over time' });
  const vout = h('div');
  const manual = h('form', { class: 'row no-print', 'aria-label': 'Enter vitals by hand' },
    field('SBP', h('input', { name: 'sbp', type: 'number', min: 40, max: 300 })), field('DBP', h('input', { name: 'dbp', type: 'number', min: 20, max: 200 })),
    field('HR', h('input', { name: 'hr', type: 'number', min: 20, max: 250 })), field('SpO₂', h('input', { name: 'spo2', type: 'number', min: 50, max: 100 })),
    h('button', { type: 'submit' }, 'Add reading'), vout);
  onSubmit(manual, vout, async () => {
    const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const observations = CODES.filter((c) => manual.elements[c].value !== '').map((c) => ({ at, code: c, value: Number(manual.elements[c].value) }));
    if (!observations.length) throw new Error('Enter at least one value.');
    await post(`/api/sessions/${id}/vitals`, { observations });
    manual.reset();
    clear(vout);
    await poll();
  });
  const vitalsCard = h('section', { class: 'card', 'aria-labelledby': 'v-h' }, h('h2', { id: 'v-h' }, 'Live vitals and predicted concentration'),
    alarmsEl, latest, chartEl, can(me, 'vitals', 'write') && s.status !== 'cancelled' ? manual : null);

  const printVitals = h('section', { class: 'card print-only' });
  function drawPrintTable(times, by) {
    clear(printVitals, h('h2', {}, 'Vital signs'), table(['Time', 'SBP', 'DBP', 'HR', 'SpO₂'],
      times.map((t, i) => [fmtTime(t), ...CODES.map((c) => (by[c][i] === null ? '' : String(by[c][i])))])));
  }

  function drawChart() {
    if (!state.obs.length) return;
    const t0 = Date.parse(s.started_at || state.obs[0].at);
    const times = [...new Set(state.obs.map((o) => o.at))].sort();
    const vx = times.map((t) => (Date.parse(t) - t0) / 60000);
    const by = Object.fromEntries(CODES.map((c) => [c, times.map(() => null)]));
    state.obs.forEach((o) => { if (by[o.code]) by[o.code][times.indexOf(o.at)] = o.value; });
    drawPrintTable(times, by);
    // One x axis (minutes from t0): the readings and, when there is a prediction, its own grid
    // shifted to the dose start (pkStart), so the curve is drawn ahead of the readings.
    const pk = state.pk;
    const shift = pk ? ((state.pkStart || t0) - t0) / 60000 : 0;
    const px = pk ? pk.time_min.map((t) => t + shift) : [];
    const x = [...new Set([...vx, ...px])].sort((a, b) => a - b);
    const at = (xs, ys) => { const m = new Map(xs.map((v, i) => [v, ys[i]])); return x.map((v) => (m.has(v) ? m.get(v) : null)); };
    const series = [{ label: 'SBP', data: at(vx, by.sbp), color: '#b3261e' }, { label: 'DBP', data: at(vx, by.dbp), color: '#e57373' },
      { label: 'HR', data: at(vx, by.hr), color: '#1f5fa8' }, { label: 'SpO₂', data: at(vx, by.spo2), color: '#1e6b3a' }];
    if (pk) {
      series.push({ label: 'Cp ng/mL (pred.)', data: at(px, pk.cp_ng_per_ml), scale: 'y2', dash: [6, 4], points: false, color: '#6a3d9a' },
        { label: 'Ce ng/mL (pred.)', data: at(px, pk.ce_ng_per_ml), scale: 'y2', dash: [2, 3], points: false, color: '#00838f' });
    }
    if (state.plot) state.plot.destroy();
    clear(chartEl);
    state.plot = lineChart(chartEl, { x, series, xLabel: 'minutes from start', yLabel: 'mmHg · /min · %', y2Label: pk ? 'ng/mL' : null });
  }

  // The server evaluates the alarms over the whole session (t_min from the first reading); those
  // raised at the latest reading are current (banner, tone), the others are history.
  function showAlarms() {
    // (a loop, not Math.max(...): a long session at 1 Hz has tens of thousands of readings)
    let lo = Infinity, hi = -Infinity;
    for (const o of state.obs) { const t = Date.parse(o.at); if (t < lo) lo = t; if (t > hi) hi = t; }
    const latest = state.obs.length ? (hi - lo) / 60000 : 0;
    const current = state.alarms.filter((a) => a.t_min >= latest - 1e-6);
    const earlier = state.alarms.filter((a) => a.t_min < latest - 1e-6);
    const view = (a, now) => h('div', { class: `alarm ${a.severity === 'critical' ? '' : 'warning'}`, role: now ? 'alert' : null },
      `${a.severity.toUpperCase()}: ${a.text}`, h('span', { class: 'act' }, a.action), h('span', { class: 'act small muted' }, `${a.source} · minute ${num(a.t_min, 0)}`));
    const leftOut = state.alarmsLeftOut ? ` and ${state.alarmsLeftOut} older not listed` : '';
    clear(alarmsEl, current.map((a) => view(a, true)),
      earlier.length ? h('details', { class: 'earlier' }, h('summary', {}, `Earlier in this session (${earlier.length}${leftOut})`), earlier.map((a) => view(a, false))) : null);
    const loud = current.filter((a) => a.severity !== 'info');
    if (loud.length) { banner.textContent = `ALARM — ${s.chair}: ${loud[loud.length - 1].text}`; banner.hidden = false; } else banner.hidden = true;
    return loud.length;
  }

  async function poll() {
    if (!can(me, 'vitals', 'read')) return;
    const pre = firstVitals;
    firstVitals = null;
    applyVitals(await (pre || get(`/api/sessions/${id}/vitals?after=${state.after}`)));
  }

  function applyVitals(r) {
    const fresh = r.observations.filter((o) => o.id > state.after); // a poll and a push may overlap
    const before = state.loud || 0;
    state.alarms = r.alarms;
    state.alarmsLeftOut = r.alarms_left_out || 0;
    if (fresh.length) {
      state.obs.push(...fresh);
      state.after = Math.max(state.after, r.last_id);
      const last = {};
      for (const o of state.obs) last[o.code] = o;
      clear(latest, CODES.filter((c) => last[c]).map((c) => [h('dt', {}, c.toUpperCase()), h('dd', { 'data-code': c }, `${num(last[c].value, 0)} ${last[c].unit}`)]));
      drawChart();
    }
    state.loud = showAlarms();
    if (state.loud > before) beep();
  }

  // --- side effects, interventions, dissociation (chair_records.js)
  const dissociation = dissociationCard(id, s.patient_id, me);
  // --- the SPRAVATO REMS monitoring form of an esketamine session (rems_card.js)
  const rems = plan && plan.route === 'nasal' ? remsCard(id, me) : null;

  // --- discharge
  const dOut = h('div', { 'aria-live': 'polite', 'data-testid': 'discharge-result' });
  const dForm = h('form', { 'aria-labelledby': 'd-h' }, h('h2', { id: 'd-h' }, 'Discharge checklist'),
    h('fieldset', {}, h('legend', {}, 'Modified Aldrete'), h('div', { class: 'row' }, ALDRETE.map((t, i) => field(t, select(`a${i}`, ['2', '1', '0'], '2'))))),
    check('Escort present', { name: 'escort_present' }), check('Mental status back to baseline', { name: 'mental_status_baseline' }),
    check('Esketamine session', { name: 'esketamine', checked: plan && plan.route === 'nasal' }),
    field('Infusion ended at (blank: when the session was ended)', h('input', { name: 'dose_ended_at', type: 'datetime-local' })),
    h('p'), h('button', { type: 'submit' }, 'Check discharge'));
  onSubmit(dForm, dOut, async () => {
    const e = dForm.elements;
    const body = { aldrete: ALDRETE.map((_, i) => Number(e[`a${i}`].value)),
      escort_present: e.escort_present.checked, mental_status_baseline: e.mental_status_baseline.checked, esketamine: e.esketamine.checked };
    if (e.dose_ended_at.value) body.dose_ended_at = new Date(e.dose_ended_at.value).toISOString().replace(/\.\d+Z$/, 'Z');
    const r = await post(`/api/sessions/${id}/discharge`, body);
    clear(dOut, h('div', { class: `verdict ${r.ready ? 'ok' : 'bad'}`, role: 'status' }, r.ready ? 'Ready for discharge' : 'Not ready for discharge'),
      r.missing.length ? h('ul', {}, r.missing.map((m) => h('li', {}, m))) : null,
      h('p', {}, `Aldrete ${r.aldrete_total}; observed ${num(r.minutes_observed, 0)} of at least ${num(r.observation_min, 0)} min. ${r.advice}`));
  });

  clear(main, head, h('div', { class: 'grid' }, doseCard, vitalsCard), h('div', { class: 'grid' }, effects.card,
    can(me, 'session', 'write') ? h('section', { class: 'card' }, dForm, dOut) : null), rems && rems.card, dissociation, printVitals);
  if (s.status === 'ended') get(`/api/sessions/${id}/discharge`).then((d) => { if (!dOut.firstChild) clear(dOut, h('p', { class: 'muted' }, `Last check ${fmtDateTime(d.at)} by ${d.by_user}: ${d.ready ? 'ready' : `not ready (${d.first_missing})`}`)); }).catch(() => {});

  // PK prediction for the planned dose, aligned with the session start (drawn when it arrives).
  if (plan && plan.dose.pk_doses.length && plan.pk_models.length) {
    post('/api/pk/simulate', { model: plan.pk_models[0].id, weight_kg: p.weight_kg || plan.dose.weight_used_kg, doses: plan.dose.pk_doses, until_min: 240, step_min: 2 })
      .then((r) => { if (!state.gone) { state.pk = r; drawChart(); } }, () => {});
  }
  await Promise.all([poll(), effectsLoaded, rems && rems.load()]);
  if (!state.obs.length) clear(chartEl, h('p', { class: 'muted' }, 'Waiting for the monitor…'));
  const liveEl = h('p', { class: 'muted small', 'data-testid': 'live', 'aria-live': 'polite' });
  latest.after(liveEl);
  if (can(me, 'vitals', 'read') && typeof EventSource === 'function') {
    const es = new EventSource(`/api/sessions/${id}/events?after=${state.after}`);
    state.es = es;
    es.onopen = () => { liveEl.textContent = 'Live'; };
    es.onerror = () => { if (!state.gone) liveEl.textContent = 'Reconnecting to live updates…'; };
    es.addEventListener('vitals', (e) => applyVitals(JSON.parse(e.data)));
    es.addEventListener('session', async () => {
      effects.load().catch(() => {});
      const now = await get(`/api/sessions/${id}`).catch(() => null);
      if (now && now.status !== s.status && !state.gone) navigate(`/sessions/${id}`);
    });
    es.addEventListener('end', (e) => {
      es.close();
      liveEl.textContent = `Live updates stopped: ${JSON.parse(e.data).reason}`;
    });
  } else if (can(me, 'vitals', 'read')) {
    let busy = false;
    liveEl.textContent = `Updated every ${POLL_MS / 1000} s`;
    state.timers.push(setInterval(async () => {
      if (busy) return;
      busy = true;
      try { await poll(); } catch { /* next tick */ } finally { busy = false; }
    }, POLL_MS));
  }
  const openAll = () => main.querySelectorAll('details').forEach((d) => { d.open = true; });
  window.addEventListener('beforeprint', openAll);
  return () => {
    state.gone = true;
    if (state.es) state.es.close();
    state.timers.forEach(clearInterval);
    if (state.plot) state.plot.destroy();
    banner.hidden = true;
    window.removeEventListener('beforeprint', openAll);
  };
}

let audio = null;
function beep() {
  try {
    audio ||= new AudioContext();
    const o = audio.createOscillator(); const g = audio.createGain();
    o.frequency.value = 880; g.gain.value = 0.2; o.connect(g).connect(audio.destination);
    o.start(); o.stop(audio.currentTime + 0.4);
  } catch { /* no audio device */ }
}
