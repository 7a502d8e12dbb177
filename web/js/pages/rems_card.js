// rems_card.js — the SPRAVATO REMS Patient Monitoring Form on the chair screen of an esketamine
// session (issue 10's API, src/http/api_rems.c): what the server filled from the session record,
// what it says is still missing, the clinician's answers, signing (roles with session "sign") and
// submission, with the 7-day deadline from the tracker.  The server decides what is required.
import { get, post } from '../api.js';
import { h, clear, field, select, table, badge, fmtDateTime, can, onSubmit, errorBox } from '../dom.js';

// The form's fields in the form's order (GET /api/sessions/:id/rems; the drug classes sit under
// "concomitant"), with the words a person reads.
const FIELDS = [['patient_name', 'Patient'], ['birth_date', 'Date of birth'], ['sex', 'Sex'],
  ['enrolled', 'Enrolled in the REMS'], ['first_treatment', 'First treatment'],
  ['benzodiazepines', 'Benzodiazepines'], ['sedative_hypnotics', 'Non-benzodiazepine sedative hypnotics'],
  ['psychostimulants', 'Psychostimulants'], ['maois', 'MAOIs'], ['opioids', 'Opioids'],
  ['session_date', 'Session date'], ['setting', 'Setting'], ['monitoring_hcp', 'Monitoring health-care provider'],
  ['dose_mg', 'Dose (mg)'], ['lot', 'Lot'], ['total_duration_min', 'Total monitoring (min)'],
  ['ready_to_leave_min', 'Ready to leave (min after the first device)'],
  ['bp_pre', 'BP before dosing'], ['bp_40', 'BP about 40 min after dosing'], ['bp_end', 'BP before discharge'],
  ['vitals_ok_pre', 'Vital signs acceptable before dosing'], ['vitals_ok_end', 'Vital signs acceptable at the end'],
  ['sedation', 'Sedation'], ['dissociation', 'Dissociation'], ['respiratory_depression', 'Respiratory depression'],
  ['serious_ae', 'Serious adverse event'], ['sae_description', 'Serious adverse event: description']];
// What POST .../rems/sign accepts (store_rems_form_answer): yes/no answers, then the rest.
const YES_NO = ['vitals_ok_pre', 'vitals_ok_end', 'sedation', 'dissociation', 'respiratory_depression', 'serious_ae'];
const label = (k) => FIELDS.find(([f]) => f === k)[1];
const valueOf = (form, k) => (k in form ? form[k] : form.concomitant[k]);
const show = (v) => (v === null || v === undefined ? '—' : v === true ? 'yes' : v === false ? 'no'
  : typeof v === 'object' ? `${v.sys}/${v.dia} mmHg` : String(v));

export function remsCard(sessionId, me) {
  const body = h('div');
  const card = h('section', { class: 'card', 'aria-labelledby': 'rems-h', 'data-testid': 'rems' },
    h('h2', { id: 'rems-h' }, 'SPRAVATO REMS monitoring form'), body);

  async function load() {
    let form;
    try { form = await get(`/api/sessions/${sessionId}/rems`); } catch (e) {
      clear(body, h('p', { class: 'notice', role: 'status' }, e.message)); // e.g. no esketamine dose yet
      return;
    }
    const track = await get('/api/rems/tracker').then((t) => t.forms.find((x) => x.session_id === Number(sessionId)), () => null);
    draw(form, track);
  }

  function answers(form, out) {
    const f = h('form', { class: 'no-print', 'aria-labelledby': 'rems-a-h' }, h('h3', { id: 'rems-a-h' }, "Clinician's answers"),
      h('div', { class: 'row' }, YES_NO.map((k) => field(label(k), select(k, [['', '— not answered —'], ['true', 'yes'], ['false', 'no']],
        form[k] === null ? '' : String(form[k])), k))),
      h('div', { class: 'row' },
        field(label('ready_to_leave_min'), h('input', { name: 'ready_to_leave_min', type: 'number', min: 0, max: 1440, step: 1, value: form.ready_to_leave_min ?? '' }), 'ready_to_leave_min'),
        field(label('monitoring_hcp'), h('input', { name: 'monitoring_hcp', maxlength: 63, value: form.monitoring_hcp || '' }), 'monitoring_hcp'),
        field(label('setting'), h('input', { name: 'setting', maxlength: 63, value: form.setting || '' }), 'setting')),
      field(label('sae_description'), h('textarea', { name: 'sae_description', rows: 2, maxlength: 255, value: form.sae_description || '' }), 'sae_description'),
      h('p'), h('button', { type: 'submit' }, 'Sign REMS form'));
    onSubmit(f, out, async () => {
      const body = {};
      for (const el of f.elements) {
        const v = el.name ? el.value.trim() : '';
        if (v === '') continue; // left out: the server keeps the record's value or names it missing
        body[el.name] = YES_NO.includes(el.name) ? v === 'true' : el.type === 'number' ? Number(v) : v;
      }
      await post(`/api/sessions/${sessionId}/rems/sign`, body);
      await load(); // the GET now serves the signed copy
    });
    return f;
  }

  function draw(form, track) {
    const out = h('div', { 'aria-live': 'polite' });
    // Signed: the GET serves the copy as signed, with who signed and submitted it and when.
    const signed = form.signed;
    const submitted = signed && !!form.submitted_at;
    const due = track ? ` · due ${track.due} (${track.state})` : '';
    const status = h('p', { role: 'status', 'data-testid': 'rems-status' },
      submitted ? [badge('submitted', 'ok'), ` Submitted to the REMS ${fmtDateTime(form.submitted_at)} by ${form.submitted_by}${track ? ` (${track.state})` : ''}; signed ${fmtDateTime(form.signed_at)} by ${form.signed_by}.`]
        : signed ? [badge('signed', 'ok'), ` Signed ${fmtDateTime(form.signed_at)} by ${form.signed_by}; not yet submitted${due}.`]
          : [badge('not signed', 'warn'), due]);
    const submit = signed && !submitted && can(me, 'session', 'write')
      ? h('button', { type: 'button', class: 'no-print', onclick: async (ev) => {
        ev.target.disabled = true;
        try { await post(`/api/sessions/${sessionId}/rems/submit`); await load(); } catch (e) { ev.target.disabled = false; clear(out, errorBox(e)); }
      } }, 'Submit to the REMS') : null;
    clear(body, status,
      !signed ? h('p', { class: form.missing ? 'notice' : 'muted', 'data-testid': 'rems-missing' }, form.missing || 'Every required field is filled.') : null,
      table(['Form field', signed ? 'As signed' : 'From the record'],
        FIELDS.map(([k, text]) => [h('span', {}, text, ' ', h('span', { class: 'muted small' }, k)), show(valueOf(form, k))])),
      !signed ? (can(me, 'session', 'sign') ? answers(form, out) : h('p', { class: 'notice no-print' }, 'Your role cannot sign this form: a prescriber signs it.')) : null,
      submit, out);
  }

  return { card, load };
}
