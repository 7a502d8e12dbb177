// test_billing.mjs — billing through the real server and the real CLI on one database (issue 10):
// sessions and doses recorded through the API, charges derived from them (96365 + 96366 at
// 91 min, G2083 for 84 mg esketamine), who may bill, payments, refunds, voids, the account and
// the superbill; then `ketaclinic billing` on the same database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { startServer, Client } from './server_harness.mjs';

let srv, admin, patientId;
const pw = 'correct horse battery staple';
const as = {};

function kc(args, expectStatus = 0) {
  const r = spawnSync(process.env.KC_BIN, [...args, '--db', `${srv.dir}/kc.db`, '--audit-key',
    `${srv.dir}/audit.key`, '--user', 'admin', '--role', 'admin'], { encoding: 'utf8' });
  assert.equal(r.status, expectStatus, `ketaclinic ${args.join(' ')}: ${r.stderr}`);
  return r;
}

async function endedSession(day, dose, during = async () => {}) {
  const s = await as.nurse.post('/api/sessions', { patient_id: patientId, planned_at: `${day}T09:00:00Z`, chair: 'chair-1' });
  assert.equal(s.status, 201, JSON.stringify(s.json));
  const id = s.json.id;
  assert.equal((await as.nurse.post(`/api/sessions/${id}/status`, { status: 'started', at: `${day}T09:00:00Z` })).status, 200);
  const d = await as.prescriber.post(`/api/sessions/${id}/doses`, { ...dose, started_at: `${day}T09:05:00Z` });
  assert.equal(d.status, 201, JSON.stringify(d.json));
  await during(id);
  assert.equal((await as.nurse.post(`/api/sessions/${id}/status`, { status: 'ended', at: `${day}T12:00:00Z` })).status, 200);
  return id;
}

before(async () => {
  srv = await startServer();
  admin = new Client(srv.base);
  assert.equal((await admin.login('admin', srv.adminPassword)).status, 200);
  for (const [name, role] of [['desk', 'front-desk'], ['nurse', 'nurse'], ['prescriber', 'prescriber']]) {
    assert.equal((await admin.post('/api/users', { name, role, display_name: name, password: pw })).status, 201);
    as[name] = new Client(srv.base);
    assert.equal((await as[name].login(name, pw)).status, 200);
  }
  const p = await as.desk.post('/api/patients', { mrn: 'B-1', family_name: 'Payne', given_name: 'Billie', birth_date: '1980-04-30', sex: 'female' });
  assert.equal(p.status, 201, JSON.stringify(p.json));
  patientId = p.json.id;
  assert.equal((await as.nurse.post(`/api/patients/${patientId}/weights`, { weight_kg: 70, height_cm: 170 })).status, 201);
  for (const drug of ['ketamine', 'esketamine'])
    kc(['ledger', 'record', 'receipt', '--drug', drug, '--lot', `L-${drug}`, '--location', 'safe-1',
      '--qty', '2000mg', '--supplier', 'Acme Pharma DEA RA1234567']);
});

after(async () => { if (srv) await srv.stop(); });

test('an IV infusion of 91 min is charged 96365 + one 96366 + J3490; only billing roles may', async () => {
  const sid = await endedSession('2026-11-02', { route: 'iv', mg_per_kg: 0.5, duration_min: 91, conc_mg_per_ml: 0.5, container_ml: 100, lot: 'L-ketamine', location: 'safe-1' });
  assert.equal((await as.nurse.post(`/api/sessions/${sid}/charges`, {})).status, 403, 'nurses read billing, they do not bill');
  const c = await as.desk.post(`/api/sessions/${sid}/charges`, {});
  assert.equal(c.status, 201, JSON.stringify(c.json));
  assert.equal(c.json.infusion_min, 91);
  assert.deepEqual(c.json.lines.map((l) => [l.code, l.units]), [['96365', 1], ['96366', 1], ['J3490', 1]]);
  assert.equal(c.json.total_cents, c.json.lines.reduce((s, l) => s + l.units * l.unit_cents, 0));
  const again = await as.desk.post(`/api/sessions/${sid}/charges`, {});
  assert.equal(again.status, 409);
  assert.match(again.json.error.message, /already charged/);
  const acct = await as.nurse.get(`/api/patients/${patientId}/billing`);
  assert.equal(acct.status, 200);
  assert.equal(acct.json.totals.balance_cents, c.json.total_cents);
});

test('84 mg esketamine is G2083; a session with a 90 min infusion has no 96366', async () => {
  // SPRAVATO REMS: no esketamine before the patient is enrolled — refused at the dose itself, and
  // nothing leaves the ledger (a day outside the reports' windows below)
  const balance = async () => (await as.prescriber.get('/api/ledger/balances')).json.balances.find((b) => b.lot === 'L-esketamine').balance_ug;
  const stock = await balance();
  const early = await as.nurse.post('/api/sessions', { patient_id: patientId, planned_at: '2026-10-20T09:00:00Z', chair: 'chair-1' });
  assert.equal((await as.nurse.post(`/api/sessions/${early.json.id}/status`, { status: 'started', at: '2026-10-20T09:00:00Z' })).status, 200);
  const refused = await as.prescriber.post(`/api/sessions/${early.json.id}/doses`, { route: 'nasal', fixed_mg: 56, conc_mg_per_ml: 140, lot: 'L-esketamine', location: 'safe-1', started_at: '2026-10-20T09:05:00Z' });
  assert.equal(refused.status, 409, JSON.stringify(refused.json));
  assert.match(refused.json.error.message, /esketamine on 2026-10-20 refused: the patient is not enrolled in the SPRAVATO REMS/);
  assert.equal(await balance(), stock, 'nothing left the ledger');
  assert.equal((await as.nurse.post(`/api/sessions/${early.json.id}/status`, { status: 'ended', at: '2026-10-20T09:30:00Z' })).status, 200);
  assert.equal((await as.prescriber.post(`/api/patients/${patientId}/rems-enrolment`, { enrolled_on: '2026-11-03', rems_id: 'R-77' })).status, 201);
  const esk = await endedSession('2026-11-04', { route: 'nasal', fixed_mg: 84, conc_mg_per_ml: 140, lot: 'L-esketamine', location: 'safe-1' });
  const c = await as.desk.post(`/api/sessions/${esk}/charges`, {});
  assert.equal(c.status, 201, JSON.stringify(c.json));
  assert.deepEqual(c.json.lines.map((l) => l.code), ['G2083']);
  const iv = await endedSession('2026-11-06', { route: 'iv', mg_per_kg: 0.5, duration_min: 90, conc_mg_per_ml: 0.5, container_ml: 100, lot: 'L-ketamine', location: 'safe-1' });
  const c2 = await as.desk.post(`/api/sessions/${iv}/charges`, {});
  assert.deepEqual(c2.json.lines.map((l) => l.code), ['96365', 'J3490']);
});

test('payments, refunds, voids and the superbill reconcile', async () => {
  const before = (await as.desk.get(`/api/patients/${patientId}/billing`)).json;
  const charge = before.entries.find((e) => e.kind === 'charge' && e.code === 'J3490');
  const pay = await as.desk.post(`/api/patients/${patientId}/billing`, { kind: 'payment', cents: 30000, method: 'card' });
  assert.equal(pay.status, 201, JSON.stringify(pay.json));
  const over = await as.desk.post(`/api/patients/${patientId}/billing`, { kind: 'refund', cents: 30001, ref: pay.json.id, method: 'card' });
  assert.equal(over.status, 409);
  const ref = await as.desk.post(`/api/patients/${patientId}/billing`, { kind: 'refund', cents: 1000, ref: pay.json.id, method: 'card' });
  assert.equal(ref.status, 201);
  const bad = await as.desk.post(`/api/patients/${patientId}/billing`, { kind: 'void', ref: charge.id });
  assert.equal(bad.status, 422);
  assert.match(bad.json.error.message, /reason/);
  const v = await as.desk.post(`/api/patients/${patientId}/billing`, { kind: 'void', ref: charge.id, reason: 'drug supplied by pharmacy' });
  assert.equal(v.status, 201);
  const unknown = await as.desk.post(`/api/patients/${patientId}/billing`, { kind: 'gift', cents: 1 });
  assert.equal(unknown.status, 422);
  const t = (await as.desk.get(`/api/patients/${patientId}/billing`)).json.totals;
  assert.equal(t.balance_cents, before.totals.balance_cents - charge.cents - 30000 + 1000);
  assert.equal((t.charges_cents - t.voids_cents) - (t.payments_cents - t.refunds_cents) - t.adjustments_cents, t.balance_cents);
  const sb = await as.desk.get(`/api/patients/${patientId}/superbill?clinic=Test%20Clinic&npi=1234567893`);
  assert.equal(sb.status, 200);
  assert.equal(sb.json.provider.clinic, 'Test Clinic');
  assert.equal(sb.json.patient.mrn, 'B-1');
  assert.ok(!sb.json.lines.some((l) => l.entry_id === charge.id), 'a voided charge is not billed');
  assert.equal(sb.json.lines.reduce((s, l) => s + l.cents, 0), sb.json.totals.billed_cents);
  assert.equal(sb.json.totals.billed_cents, t.charges_cents - t.voids_cents);
  assert.equal(sb.json.totals.balance_cents, t.balance_cents);
});

test('the CLI reads and writes the same account', async () => {
  const t = (await as.desk.get(`/api/patients/${patientId}/billing`)).json.totals;
  const bal = JSON.parse(kc(['billing', 'balance', String(patientId), '--format', 'json']).stdout);
  assert.equal(bal.balance_cents, t.balance_cents);
  kc(['billing', 'adjust', String(patientId), '--amount', '10.50', '--reason', 'courtesy']);
  const csv = kc(['billing', 'entries', String(patientId), '--format', 'csv']).stdout.trim().split('\n');
  assert.match(csv[0], /^id,kind,session_id,code/);
  assert.match(csv.at(-1), /,adjust,0,,,1,0,1050,0,,"","courtesy",/);
  const bal2 = JSON.parse(kc(['billing', 'balance', String(patientId), '--format', 'json']).stdout);
  assert.equal(bal2.balance_cents, t.balance_cents - 1050);
  const r = kc(['billing', 'pay', String(patientId), '--amount', '12.345', '--method', 'cash'], 2);
  assert.match(r.stderr, /at most 2 decimals/);
  kc(['billing', 'payer', String(patientId), '--kind', 'commercial'], 2);
  const codes = JSON.parse(kc(['billing', 'codes', '--format', 'json']).stdout);
  // a plan of 3 monthly instalments from 2026-10-31: 100.00 paid covers the first (33.34) and part
  // of the second (due 2026-11-30, clamped), which is overdue on 2026-12-15; the third is not yet
  assert.match(kc(['billing', 'plan', String(patientId), '--total', '100', '--n', '3', '--first-due', '2026-10-31']).stdout, /payment plan (\d+) created/);
  kc(['billing', 'pay', String(patientId), '--amount', '50', '--method', 'cash', '--plan', '1']);
  const plans = JSON.parse(kc(['billing', 'plans', String(patientId), '--today', '2026-12-15', '--format', 'json']).stdout);
  assert.equal(plans.length, 1);
  assert.equal(plans[0].paid_cents, 5000);
  assert.deepEqual(plans[0].instalments.map((i) => [i.due, i.cents, i.remaining_cents, i.state]),
    [['2026-10-31', 3334, 0, 'paid'], ['2026-11-30', 3333, 1667, 'overdue'], ['2026-12-31', 3333, 3333, 'due']]);
  const overdue = JSON.parse(kc(['billing', 'plans', '--today', '2026-11-01', '--overdue', '--format', 'json']).stdout);
  assert.equal(overdue.length, 0, 'nothing is overdue before the second due date');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${srv.dir}/fees.json`, JSON.stringify({ clinic: 'X', fees: { 99999: '10.00' } }));
  const badFees = kc(['billing', 'charge', '1', '--fees', `${srv.dir}/fees.json`], 2);
  assert.match(badFees.stderr, /fees.json: 99999.*unknown code/);
  assert.equal(codes.find((c) => c.code === 'J0013').valid_from, '2026-01-01');
});

test('REMS: enrolment, the monitoring form from the record, signing only when complete, the 7-day tracker', async () => {
  const pid = String(patientId);
  assert.match(kc(['rems', 'check', pid, '--on', '2026-11-02'], 1).stderr, /enrolment is dated 2026-11-03, after the dose/);
  kc(['rems', 'check', pid, '--on', '2026-11-10']);
  const sid = await endedSession('2026-11-10', { route: 'nasal', fixed_mg: 56, conc_mg_per_ml: 140, lot: 'L-esketamine', location: 'safe-1' }, async (id) => {
    // BP before the dose (09:05), at 40 and 45 min, and before discharge
    const obs = [];
    for (const [t, sys] of [['09:00', 131], ['09:45', 151], ['09:50', 149], ['11:30', 127]])
      obs.push({ at: `2026-11-10T${t}:00Z`, code: 'sbp', value: sys }, { at: `2026-11-10T${t}:00Z`, code: 'dbp', value: sys - 50 });
    assert.equal((await as.nurse.post(`/api/sessions/${id}/vitals`, { observations: obs })).status, 201);
    assert.equal((await as.nurse.post(`/api/sessions/${id}/side-effects`, { code: 'sedation', severity: 'mild', at: '2026-11-10T09:30:00Z' })).status, 201);
  });
  const form = JSON.parse(kc(['rems', 'form', String(sid)]).stdout);
  assert.equal(form.enrolled, true);
  assert.equal(form.first_treatment, false, 'the 84 mg session of 2026-11-04 came first');
  assert.equal(form.dose_mg, 56);
  assert.equal(form.lot, 'L-esketamine');
  assert.deepEqual([form.bp_pre.sys, form.bp_40.sys, form.bp_end.sys], [131, 151, 127]);
  assert.equal(form.total_duration_min, 175, '09:05 to 12:00');
  assert.equal(form.sedation, true);
  assert.equal(form.dissociation, false);
  const refused = kc(['rems', 'sign', String(sid)], 2);
  assert.match(refused.stderr, /4 required fields empty: monitoring_hcp, ready_to_leave_min, vitals_ok_pre, vitals_ok_end/);
  const signed = JSON.parse(kc(['rems', 'sign', String(sid), '--answers', '{"vitals_ok_pre":true,"vitals_ok_end":true,"ready_to_leave_min":120,"monitoring_hcp":"Dr Demo"}']).stdout);
  assert.equal(signed.signed, true);
  assert.equal(signed.missing, '');
  assert.equal(signed.monitoring_hcp, 'Dr Demo');
  const track = JSON.parse(kc(['rems', 'tracker', '--today', '2026-11-12', '--format', 'json']).stdout);
  const bySession = Object.fromEntries(track.map((t) => [t.session_id, t]));
  assert.equal(bySession[sid].state, 'due');
  assert.equal(bySession[sid].due, '2026-11-17');
  const older = track.find((t) => t.session_day === '2026-11-04');
  assert.equal(older.state, 'overdue', 'unsigned since 2026-11-04, due 2026-11-11');
  // the API serves the copy as signed (answers, signer), not the form rebuilt from the record
  let got = (await as.nurse.get(`/api/sessions/${sid}/rems`)).json;
  assert.deepEqual([got.signed, got.signed_by, got.submitted_at, got.monitoring_hcp, got.ready_to_leave_min],
    [true, 'admin', null, 'Dr Demo', 120]);
  assert.match(got.signed_at, /^\d{4}-\d\d-\d\dT/);
  kc(['rems', 'submit', String(sid), '--at', '2026-11-12T10:00:00Z']);
  got = (await as.nurse.get(`/api/sessions/${sid}/rems`)).json;
  assert.deepEqual([got.submitted_at, got.submitted_by], ['2026-11-12T10:00:00.000Z', 'admin']);
  const unsignedForm = (await as.nurse.get(`/api/sessions/${older.session_id}/rems`)).json;
  assert.equal(unsignedForm.signed, false, 'an unsigned form is still built from the record');
  assert.equal((await as.nurse.get('/api/sessions/999999/rems')).status, 404);
  const after = JSON.parse(kc(['rems', 'tracker', '--today', '2026-11-30', '--format', 'json']).stdout);
  assert.equal(after.find((t) => t.session_id === sid).state, 'submitted');
  const csv = kc(['rems', 'tracker', '--today', '2026-11-30', '--format', 'csv']).stdout.split('\n');
  assert.equal(csv[0], 'session_id,patient_id,mrn,session_day,due,state,signed_at,submitted_at');
});

test('reports: the administration log, discrepancies with DEA deadlines, operations', async () => {
  const log = kc(['report', 'administrations', '--from', '2026-11-01T00:00:00Z', '--to', '2026-12-01T00:00:00Z', '--format', 'csv']).stdout.trim().split('\n');
  assert.equal(log[0], 'at,mrn,patient,address,drug,form,route,lot,dose_mg,volume_ml,given_by,dose_id,ledger_seq');
  assert.equal(log.length, 1 + 4, 'IV 11-02, esketamine 11-04, IV 11-06, esketamine 11-10');
  assert.match(log[2], /^2026-11-04T09:05:00.000Z,"B-1","Payne, Billie","",esketamine,base,intranasal,"L-esketamine",84.000,0.600,"prescriber",/);
  const json = JSON.parse(kc(['report', 'administrations', '--from', '2026-11-05T00:00:00Z', '--to', '2026-11-07T00:00:00Z', '--format', 'json']).stdout);
  assert.equal(json.length, 1);
  assert.equal(json[0].drug, 'ketamine');
  // a count 1 mg short of the perpetual balance on a Friday: notice by Monday, Form 106 in 45 days
  const bal = JSON.parse(kc(['ledger', 'balance', '--format', 'json', '--drug', 'esketamine']).stdout)[0];
  kc(['ledger', 'record', 'count', '--drug', 'esketamine', '--lot', 'L-esketamine', '--location', 'safe-1', '--qty', `${(bal.balance_ug - 1000) / 1000}mg`]);
  const disc = JSON.parse(kc(['report', 'discrepancies', '--format', 'json']).stdout);
  assert.equal(disc.length, 1);
  assert.equal(disc[0].shortfall_ug, 1000);
  const opened = new Date(disc[0].opened_at.slice(0, 10) + 'T00:00:00Z');
  const f106 = new Date(opened.getTime() + 45 * 86400000).toISOString().slice(0, 10);
  assert.equal(disc[0].form_106_by, f106);
  assert.ok(disc[0].dea_notice_by > disc[0].opened_at.slice(0, 10));
  // operations over the month: every session above ended; revenue = the charges not voided
  const acct = (await as.desk.get(`/api/patients/${patientId}/billing`)).json.entries;
  const voided = new Set(acct.filter((e) => e.kind === 'void').map((e) => e.ref_id));
  const billed = acct.filter((e) => e.kind === 'charge' && !voided.has(e.id)).reduce((s, e) => s + e.cents, 0);
  const ops = JSON.parse(kc(['report', 'operations', '--from', '2026-11-01', '--to', '2026-12-01', '--today', '2026-12-01', '--format', 'json']).stdout);
  assert.equal(ops.sessions.planned, 4);
  assert.equal(ops.sessions.ended, 4);
  assert.equal(ops.revenue_cents, billed);
  assert.deepEqual(ops.per_chair_day.map((c) => [c.chair, c.day, c.sessions]),
    [['chair-1', '2026-11-02', 1], ['chair-1', '2026-11-04', 1], ['chair-1', '2026-11-06', 1], ['chair-1', '2026-11-10', 1]]);
  assert.equal(ops.average_chair_min, 180, 'every session 09:00 to 12:00');
  // by service: the esketamine sessions bill G-codes; IV: 96365/96366/J3490 (J3490 of 11-02 voided)
  const bySvc = Object.fromEntries(ops.revenue_by_service.map((x) => [x.service, x.cents]));
  const byCode = Object.fromEntries(ops.revenue_by_code.map((x) => [x.code, x.cents]));
  assert.equal(bySvc.esketamine, (byCode.G2082 || 0) + (byCode.G2083 || 0));
  assert.equal(bySvc.iv, byCode['96365'] + (byCode['96366'] || 0) + byCode.J3490);
  assert.equal(bySvc.iv + bySvc.esketamine, ops.revenue_cents);
  const csv = kc(['report', 'operations', '--from', '2026-11-01', '--to', '2026-12-01', '--today', '2026-12-01', '--format', 'csv']).stdout;
  assert.match(csv, /^section,key,day,value\n/);
  assert.match(csv, new RegExp(`\nrevenue_by_service,esketamine,,${bySvc.esketamine}\n`));
  assert.match(csv, new RegExp(`\nrevenue_cents,,,${billed}\n`));
  kc(['report', 'operations', '--from', '2026-11-01'], 2);
  // the chart: one bar per day with the sessions of all chairs
  const { readFileSync } = await import('node:fs');
  kc(['report', 'operations', '--from', '2026-11-01', '--to', '2026-12-01', '--today', '2026-12-01', '--svg', `${srv.dir}/ops.svg`]);
  const svg = readFileSync(`${srv.dir}/ops.svg`, 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const bars = [...svg.matchAll(/<rect class="bar" data-day="([0-9-]+)" data-value="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
  assert.deepEqual(bars, [['2026-11-02', 1], ['2026-11-04', 1], ['2026-11-06', 1], ['2026-11-10', 1]]);
});

test('superbill and REMS form PDFs (libharu) carry the fields, read back with pdftotext', async (t) => {
  const have = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' });
  if (have.error) { t.skip('pdftotext (poppler-utils) is not installed'); return; }
  const pdf = `${srv.dir}/superbill.pdf`;
  const sb = JSON.parse(kc(['billing', 'superbill', String(patientId), '--clinic', 'Test Ketamine Clinic', '--npi', '1234567893', '--pdf', pdf]).stdout);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.match(text, /Superbill/);
  assert.match(text, /Test Ketamine Clinic/);
  assert.match(text, /1234567893/);
  assert.match(text, /Payne, Billie/);
  assert.match(text, /B-1/);
  for (const l of sb.lines) assert.ok(text.includes(l.code), `line ${l.code} in the PDF`);
  assert.match(text, /96366/);
  assert.match(text, /G2083/);
  const bal = (sb.totals.balance_cents / 100).toFixed(2);
  assert.match(text, new RegExp(`Balance due\\s+${bal.replace('.', '\\.')}`));
  const rems = `${srv.dir}/rems.pdf`;
  const track = JSON.parse(kc(['rems', 'tracker', '--today', '2026-11-30', '--format', 'json']).stdout);
  const signedSession = track.find((r) => r.signed_at).session_id;
  const form = JSON.parse(kc(['rems', 'form', String(signedSession), '--pdf', rems]).stdout);
  const rt = execFileSync('pdftotext', ['-layout', rems, '-'], { encoding: 'utf8' });
  assert.match(rt, /SPRAVATO REMS Patient Monitoring Form/);
  assert.match(rt, /Lot number\s+L-esketamine/);
  assert.match(rt, /Dose \(mg\)\s+56/);
  assert.match(rt, new RegExp(`BP about 40 min\\s+${form.bp_40.sys}/${form.bp_40.dia} mmHg`));
  assert.match(rt, /Sedation\s+Yes/);
  assert.match(rt, /Dissociation\s+No/);
  assert.match(rt, /NOT COMPLETE/, 'the unsigned form without answers lists what is missing');
});

test('REMS and reports over the API: roles, signing refused until complete, tracker, operations', async () => {
  const track = (await as.nurse.get('/api/rems/tracker?today=2026-11-12')).json.forms;
  const unsigned = track.find((t) => t.session_day === '2026-11-04');
  assert.equal(unsigned.state, 'overdue');
  const form = await as.nurse.get(`/api/sessions/${unsigned.session_id}/rems`);
  assert.equal(form.status, 200);
  assert.equal(form.json.enrolled, true, 'enrolled on 2026-11-03, before this session');
  assert.equal(form.json.dose_mg, 84);
  assert.match(form.json.missing, /vitals_ok_pre/);
  const answers = { vitals_ok_pre: true, vitals_ok_end: true, ready_to_leave_min: 125, monitoring_hcp: 'Dr P' };
  assert.equal((await as.nurse.post(`/api/sessions/${unsigned.session_id}/rems/sign`, answers)).status, 403, 'nurses do not sign');
  const part = await as.prescriber.post(`/api/sessions/${unsigned.session_id}/rems/sign`, { vitals_ok_pre: true });
  assert.equal(part.status, 422);
  assert.match(part.json.error.message, /BP|bp_|vitals_ok_end/);
  // no BP was charted in that session: the form cannot be signed until it is
  assert.match(part.json.error.message, /bp_pre, bp_40, bp_end/);
  const unknown = await as.prescriber.post(`/api/sessions/${unsigned.session_id}/rems/sign`, { dose_mg: 56 });
  assert.equal(unknown.status, 422);
  assert.equal((await as.desk.post(`/api/patients/${patientId}/rems-enrolment`, { enrolled_on: '2026-11-01' })).status, 403);
  const dup = await as.prescriber.post(`/api/patients/${patientId}/rems-enrolment`, { enrolled_on: '2026-11-01' });
  assert.equal(dup.status, 409);
  const ops = await as.desk.get('/api/reports/operations?from=2026-11-01&to=2026-12-01&today=2026-12-01');
  assert.equal(ops.status, 200);
  assert.equal(ops.json.sessions.ended, 4);
  assert.equal(ops.json.ar.total >= 0, true);
  assert.equal((await as.desk.get('/api/reports/operations?from=2026-11-01')).status, 422);
  assert.equal((await as.prescriber.get('/api/reports/operations?from=2026-11-01&to=2026-12-01')).status, 200, 'clinical staff read billing');
});

test('biennial inventory: the book balance of every lot as of a time, from the ledger', async () => {
  const now = JSON.parse(kc(['report', 'inventory', '--format', 'json']).stdout);
  const bal = JSON.parse(kc(['ledger', 'balance', '--format', 'json']).stdout);
  const key = (r) => `${r.drug}|${r.lot}|${r.location}`;
  assert.deepEqual(Object.fromEntries(now.map((r) => [key(r), r.balance_ug])),
    Object.fromEntries(bal.map((r) => [key(r), r.balance_ug])));
  assert.ok(now.length >= 2);
  assert.deepEqual(JSON.parse(kc(['report', 'inventory', '--at', '2000-01-01T00:00:00Z', '--format', 'json']).stdout), []);
  // as of the first receipt's time only that receipt is on the books
  const first = JSON.parse(kc(['ledger', 'report', '--format', 'json']).stdout)[0];
  const then = JSON.parse(kc(['report', 'inventory', '--at', first.at, '--format', 'json']).stdout);
  assert.deepEqual(then.map((r) => [r.drug, r.balance_ug]), [[first.drug, first.qty_ug]]);
  const csv = kc(['report', 'inventory', '--format', 'csv']).stdout.split('\n');
  assert.equal(csv[0], 'drug,lot,location,balance_ug');
});

test('booking check: a commercial payer needs a prior authorisation covering the day; esketamine needs REMS enrolment', async () => {
  const pid = String(patientId);
  const check = async (day, service) => (await as.desk.get(`/api/patients/${pid}/booking-check?day=${day}&service=${service}`)).json;
  assert.deepEqual(await check('2026-12-01', 'iv'), { bookable: true, reason: '' }, 'self-pay');
  kc(['billing', 'payer', pid, '--kind', 'commercial', '--name', 'Acme Health', '--member-id', 'M9']);
  const noPa = await check('2026-12-01', 'iv');
  assert.equal(noPa.bookable, false);
  assert.match(noPa.reason, /no prior-authorisation number/);
  kc(['billing', 'payer', pid, '--kind', 'commercial', '--name', 'Acme Health', '--prior-auth', 'PA-9', '--auth-expires', '2026-12-31']);
  assert.equal((await check('2026-12-31', 'iv')).bookable, true, 'the last day it covers');
  const expired = await check('2027-01-01', 'iv');
  assert.equal(expired.bookable, false);
  assert.match(expired.reason, /expired on 2026-12-31/);
  const early = await check('2026-11-02', 'esketamine');
  assert.equal(early.bookable, false, 'REMS enrolment is dated 2026-11-03');
  assert.match(early.reason, /after the dose/);
  assert.equal((await check('2026-11-03', 'esketamine')).bookable, true);
  assert.equal((await as.desk.get(`/api/patients/${pid}/booking-check?day=2026-11-03&service=laser`)).status, 422);
  assert.match(kc(['billing', 'check', pid, '--on', '2027-01-02', '--service', 'iv'], 1).stderr, /expired/);
});
