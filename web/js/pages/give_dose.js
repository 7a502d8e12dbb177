// give_dose.js — recording the administration from the chair (POST /api/sessions/:id/doses, the
// lead's endpoint): the plan's dose request with the lot and location it is drawn from; the
// server plans it again (src/clinic/dose), records the dose and its ledger entry together and
// answers with the pump rate and the predicted curve.
import { get, post } from '../api.js';
import { h, clear, field, select, num, can, onSubmit } from '../dom.js';

// Doses already charted for this session (the FHIR face: MedicationAdministration by patient,
// context = this Encounter), so a reload shows them instead of offering the dose again.
async function charted(sessionId, patientId) {
  try {
    const b = await get(`/fhir/MedicationAdministration?patient=${patientId}`);
    return (b.entry || []).map((e) => e.resource).filter((m) => m.context && m.context.reference === `Encounter/${sessionId}`);
  } catch { return []; }
}

export async function giveDoseForm(sessionId, patientId, plan, me, running, onGiven) {
  if (!can(me, 'dose', 'read')) return null;
  const given = await charted(sessionId, patientId);
  if (given.length) {
    const start = given[0].effectivePeriod ? given[0].effectivePeriod.start : given[0].effectiveDateTime;
    if (onGiven) onGiven(null, start);
    return h('p', { class: 'notice', role: 'status', 'data-testid': 'dose-charted' }, given.map((m) =>
      `Charted: ${m.medicationCodeableConcept.text} ${num(m.dosage.dose.value, 2)} mg ${m.dosage.text}, started ${new Date(start).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`).join('; '));
  }
  if (!running || !plan || !plan.signed_by || !can(me, 'dose', 'write') || !plan.request) return null;
  const drug = plan.route === 'nasal' ? 'esketamine' : 'ketamine';
  let lots = [];
  if (can(me, 'ledger', 'read')) {
    try { lots = (await get(`/api/ledger/balances?drug=${drug}`)).balances.filter((b) => b.balance_ug > 0); } catch { lots = []; }
  }
  const out = h('div', { 'aria-live': 'polite', 'data-testid': 'dose-given' });
  const lot = lots.length ? select('lot', lots.map((b) => [`${b.lot}|${b.location}`, `${b.lot} at ${b.location} (${num(b.balance_ug / 1000, 1)} mg)`]), undefined)
    : h('input', { name: 'lot', required: true });
  const form = h('form', { class: 'no-print', 'aria-labelledby': 'give-h' }, h('h3', { id: 'give-h' }, 'Give the planned dose'),
    h('div', { class: 'row' }, field(lots.length ? 'Stock (lot at location)' : 'Lot', lot),
      lots.length ? null : field('Location', h('input', { name: 'location', required: true }))),
    h('p'), h('button', { type: 'submit' }, 'Record dose given'));
  onSubmit(form, out, async () => {
    const q = plan.request;
    const body = { route: q.route };
    for (const k of ['mg_per_kg', 'fixed_mg', 'duration_min', 'conc_mg_per_ml', 'basis', 'override_reason']) if (q[k] !== undefined) body[k] = q[k];
    if (!body.conc_mg_per_ml) body.conc_mg_per_ml = 1;
    if (lots.length) [body.lot, body.location] = form.elements.lot.value.split('|');
    else { body.lot = form.elements.lot.value.trim(); body.location = form.elements.location.value.trim(); }
    const r = await post(`/api/sessions/${sessionId}/doses`, body);
    clear(out, h('p', { class: 'notice', role: 'status' }, `Given: ${num(r.dose_mg_base, 2)} mg base (${r.volume_text})`,
      r.rate_ml_per_h ? ` at ${num(r.rate_ml_per_h, 1)} mL/h` : '', ` — dose #${r.id}, ledger entry #${r.ledger_seq}.`));
    form.hidden = true;
    if (onGiven) onGiven(r, null);
  });
  return h('div', {}, form, out);
}
