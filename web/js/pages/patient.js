// patient.js — one patient: summary from screening (diagnoses, medications, allergies, history,
// findings), course progress, score trajectories with response/remission as the server judges
// them, PHQ-9 entry, sessions and the documents kept (screenings, treatment plans).
import { get, post } from '../api.js';
import { h, clear, field, select, table, badge, fmtDateTime, can, patientName, onSubmit, todayUTC } from '../dom.js';
import { lineChart } from '../chart.js';

const outcomeBadge = { eligible: ['Eligible', 'ok'], caution: ['Eligible with cautions', 'warn'], ineligible: ['Not eligible', 'bad'] };
const PHQ9 = ['Little interest or pleasure', 'Feeling down, depressed, hopeless', 'Sleep problems', 'Tired, little energy',
  'Appetite', 'Feeling bad about yourself', 'Trouble concentrating', 'Moving or speaking slowly / restless',
  'Thoughts of self-harm'];

let flash = null; // a safety alert from the last save, shown once after the page reloads

export async function render(main, { me, params, navigate }) {
  const id = params[0];
  const opt = async (cond, path) => (cond ? get(path).catch(() => null) : null);
  const [p, scr, plans, scales, sess] = await Promise.all([get(`/api/patients/${id}`),
    opt(can(me, 'clinical', 'read'), `/api/patients/${id}/screenings`),
    opt(can(me, 'clinical', 'read'), `/api/patients/${id}/plans`),
    opt(can(me, 'scales', 'read'), `/api/patients/${id}/scales`),
    opt(can(me, 'schedule', 'read'), `/api/sessions?patient_id=${id}`),
  ]);
  const last = scr && scr.screenings[0];
  const plan = plans && plans.plans[0];
  const sessions = sess ? sess.sessions : [];
  const done = sessions.filter((s) => s.status === 'ended').length;

  const summary = h('section', { class: 'card', 'aria-labelledby': 'sum-h' }, h('h2', { id: 'sum-h' }, 'Summary'),
    h('dl', { class: 'kv' },
      h('dt', {}, 'MRN'), h('dd', {}, p.mrn), h('dt', {}, 'Born'), h('dd', {}, `${p.birth_date} (${p.sex})`),
      h('dt', {}, 'Weight'), h('dd', {}, p.weight_kg ? `${p.weight_kg} kg` : 'not recorded'),
      h('dt', {}, 'Emergency contact'), h('dd', {}, `${p.emergency_name || '—'} ${p.emergency_phone || ''}`),
      last ? [h('dt', {}, 'Diagnoses'), h('dd', {}, (last.input.diagnoses || []).join(', ') || '—'),
        h('dt', {}, 'Medications'), h('dd', {}, (last.input.medications || []).join(', ') || 'none recorded'),
        h('dt', {}, 'Allergies'), h('dd', { 'data-testid': 'allergies' }, (last.input.allergies || []).join(', ') || 'none known'),
        h('dt', {}, 'History'), h('dd', {}, (last.input.history || []).join(', ') || 'none recorded')] : null),
    last ? [h('h3', {}, 'Screening ', badge(...outcomeBadge[last.result]), h('span', { class: 'muted small' }, ` ${fmtDateTime(last.at)} by ${last.by_user}`)),
      h('ul', {}, last.findings.map((f) => h('li', {}, badge(f.severity, f.severity === 'absolute' ? 'bad' : 'warn'), ' ', f.text,
        h('span', { class: 'muted small' }, ` — ${f.source}`))))]
      : h('p', { class: 'muted' }, can(me, 'clinical', 'read') ? 'Not screened yet.' : ''));

  const course = h('section', { class: 'card', 'aria-labelledby': 'course-h' }, h('h2', { id: 'course-h' }, 'Course'),
    plan ? [h('p', {}, h('b', {}, `Session ${Math.min(done + 1, plan.schedule.sessions.length)} of ${plan.schedule.sessions.length}`),
      ` · ${plan.protocol} · ${plan.condition} · ${plan.route} · `,
      plan.signed_by ? badge(`signed by ${plan.signed_by}`, 'ok') : badge('awaiting prescriber signature', 'warn')),
    h('p', {}, 'Next due: ', (plan.schedule.sessions.find((s) => s.date >= todayUTC()) || {}).date || '—')]
      : h('p', { class: 'muted' }, 'No treatment plan yet.'),
    h('div', { class: 'row no-print' },
      can(me, 'clinical', 'read') ? h('a', { class: 'button secondary', href: `/patients/${id}/intake`, 'data-link': true }, 'Intake & screening') : null,
      can(me, 'clinical', 'read') ? h('a', { class: 'button secondary', href: `/patients/${id}/plan`, 'data-link': true }, 'Treatment plan') : null));

  const scoreCard = h('section', { class: 'card', 'aria-labelledby': 'sc-h' }, h('h2', { id: 'sc-h' }, 'Score trajectories'));
  if (scales) {
    const byScale = {};
    for (const r of scales.results) (byScale[r.scale] ||= []).push(r);
    for (const [name, rs] of Object.entries(byScale)) {
      const el = h('div', { class: 'chart', role: 'img', 'aria-label': `${name} totals over time` });
      scoreCard.append(h('h3', {}, name.toUpperCase()), el);
      const x = rs.map((r) => Date.parse(r.at) / 1000);
      const base = rs[0].change ? rs[0].change.baseline : rs[0].total;
      // Response and remission lines: the highest totals that still count, as the server's
      // clinical core judges them against this baseline (GET /api/scales/:key/lines).
      get(`/api/scales/${encodeURIComponent(name)}/lines?baseline=${base}`).catch(() => null).then((ln) => {
        // at least half a day either side, so results entered on one day still spread out; the
        // reference lines run across the whole width (end points without a score)
        const lo = Math.min(...x), hi = Math.max(...x), pad = Math.max(43200, (hi - lo) * 0.05);
        const xs = [lo - pad, ...x, hi + pad];
        const flat = (v) => xs.map(() => v);
        const series = [{ label: name, data: [null, ...rs.map((r) => r.total), null] },
          { label: `baseline ${base}`, data: flat(base), dash: [6, 4], points: false, color: '#4d5b6a' }];
        if (ln && ln.response_max_total !== null) series.push({ label: `response ≤ ${ln.response_max_total}`, data: flat(ln.response_max_total), dash: [3, 3], points: false, color: '#1e6b3a' });
        if (ln && ln.remission_max_total !== null) series.push({ label: `remission ≤ ${ln.remission_max_total}`, data: flat(ln.remission_max_total), dash: [1, 3], points: false, color: '#00838f' });
        lineChart(el, { x: xs, xTime: true, xLabel: 'date', yLabel: 'total', height: 220, series });
      });
      scoreCard.append(table(['When', 'Total', 'Change', 'Response', 'Remission'], rs.map((r) => [fmtDateTime(r.at), String(r.total),
        r.change ? `${r.change.drop_pct.toFixed(0)}% from ${r.change.baseline}` : '',
        r.change && r.change.response ? badge('response', 'ok') : '—',
        r.change && r.change.remission ? badge('remission', 'ok') : (r.change && r.change.remission === null ? 'n/a' : '—')]),
      rs[0].change ? `Response and remission: ${rs[0].change.definition}` : ''));
    }
    if (!scales.results.length) scoreCard.append(h('p', { class: 'muted' }, 'No scores yet.'));
    if (can(me, 'scales', 'write')) {
      const out = h('div');
      const f = h('form', { 'aria-labelledby': 'phq-h' }, h('h3', { id: 'phq-h' }, 'Enter a PHQ-9'),
        h('div', { class: 'grid' }, PHQ9.map((q, i) => field(`${i + 1}. ${q}`, select(`q${i}`, [['0', '0 not at all'], ['1', '1 several days'], ['2', '2 more than half the days'], ['3', '3 nearly every day']], '0')))),
        h('p'), h('button', { type: 'submit' }, 'Save PHQ-9'), out);
      onSubmit(f, out, async () => {
        const r = await post(`/api/patients/${id}/scales`, { scale: 'phq9', answers: PHQ9.map((_, i) => Number(f.elements[`q${i}`].value)) });
        flash = r.safety_alert ? r.alert : null;
        navigate(`/patients/${id}`);
      });
      scoreCard.append(f);
    }
  }

  // Documents: every session record, screening and treatment plan kept for this patient, newest
  // first (each opens the page that shows or prints it).
  const docs = [];
  for (const x of (scr ? scr.screenings : [])) {
    docs.push([x.at, `Screening — ${outcomeBadge[x.result] ? outcomeBadge[x.result][0] : x.result}`, x.by_user, h('a', { href: `/patients/${id}/intake`, 'data-link': true }, 'Intake & screening')]);
  }
  for (const x of (plans ? plans.plans : [])) {
    docs.push([x.created_at, `Treatment plan — ${x.condition}, ${x.route}${x.signed_by ? `, signed by ${x.signed_by} ${fmtDateTime(x.signed_at)}` : ', not signed'}`, x.created_by || '', h('a', { href: `/patients/${id}/plan`, 'data-link': true }, 'Treatment plan')]);
  }
  docs.sort((a, b) => (a[0] < b[0] ? 1 : -1));
  const sessCard = h('section', { class: 'card', 'aria-labelledby': 'ss-h' }, h('h2', { id: 'ss-h' }, 'Sessions and documents'),
    table(['Planned', 'Chair', 'Status', 'Record'], sessions.map((s) => [fmtDateTime(s.planned_at), s.chair, s.status,
      can(me, 'session', 'read') ? h('a', { href: `/sessions/${s.id}`, 'data-link': true }, 'Session record') : '—'])),
    docs.length ? [h('h3', {}, 'Documents'), h('div', { 'data-testid': 'documents' }, table(['Date', 'Document', 'By', 'Open'],
      docs.map((d) => [fmtDateTime(d[0]), d[1], d[2], d[3]])))] : null);
  const alert = flash ? h('div', { class: 'alarm', role: 'alert' }, `Safety alert: ${flash}`) : null;
  flash = null;
  clear(main, h('h1', {}, patientName(p)), alert, h('div', { class: 'grid' }, summary, course), scales ? scoreCard : null, sessCard);
}
