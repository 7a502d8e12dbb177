// test_api_ui.mjs — the endpoints added for the web UI (issue 8) over real HTTP with a fresh
// database: screening, treatment plans and signing, discharge checks, ledger writes with a
// witness, outcome statistics, the staff list; strict input, the role matrix, the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from './server_harness.mjs';

let srv;
const pw = 'correct horse battery staple';
const as = {};
let pid, pid2;

before(async () => {
  srv = await startServer();
  as.admin = new Client(srv.base);
  assert.equal((await as.admin.login('admin', srv.adminPassword)).status, 200);
  for (const [name, role] of [['doc', 'prescriber'], ['doc2', 'prescriber'], ['nurse', 'nurse'], ['desk', 'front-desk'], ['audit', 'auditor']]) {
    assert.equal((await as.admin.post('/api/users', { name, role, display_name: name, password: pw })).status, 201);
    as[name] = new Client(srv.base);
    assert.equal((await as[name].login(name, pw)).status, 200);
  }
  const p = await as.nurse.post('/api/patients', { mrn: 'U-1', family_name: 'Ui', birth_date: '1980-01-01', sex: 'male' });
  pid = p.json.id;
  await as.nurse.post(`/api/patients/${pid}/weights`, { weight_kg: 70 });
  pid2 = (await as.nurse.post('/api/patients', { mrn: 'U-2', family_name: 'Nowt', birth_date: '1980-01-01' })).json.id;
});
after(async () => { if (srv) await srv.stop(); });

const clean = { drug: 'ketamine', route: 'iv', diagnoses: ['trd'], adequate_antidepressant_trials: 2, weight_kg: 70, height_cm: 175,
  vitals: { sbp: 120, dbp: 78, hr: 70, spo2: 98 } };

test('screening: result with findings and sources, kept and listed; strict input; roles', async () => {
  let r = await as.doc.post(`/api/patients/${pid}/screenings`, clean);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(r.json.outcome, 'eligible');
  assert.equal(r.json.input.age >= 45, true, 'age taken from the birth date');
  r = await as.doc.post(`/api/patients/${pid}/screenings`, { ...clean, history: ['psychosis-history'] });
  const f = r.json.findings.find((x) => x.id === 'psychosis-history');
  assert.ok(f, JSON.stringify(r.json.findings));
  assert.equal(r.json.outcome, 'ineligible', 'psychosis history excludes under the default protocol');
  assert.match(f.source, /Popova et al\., Am J Psychiatry 2019/);
  r = await as.doc.post(`/api/patients/${pid}/screenings`, { ...clean, history: ['bipolar'], medications: ['lithium'] });
  assert.equal(r.json.outcome, 'caution');
  r = await as.doc.post(`/api/patients/${pid}/screenings`, { ...clean, drug: 'esketamine', route: 'nasal', history: ['aneurysm'] });
  assert.equal(r.json.outcome, 'ineligible');
  const list = await as.nurse.get(`/api/patients/${pid}/screenings`);
  assert.deepEqual(list.json.screenings.map((s) => s.result), ['ineligible', 'caution', 'ineligible', 'eligible']);
  r = await as.doc.post(`/api/patients/${pid}/screenings`, { ...clean, smoker: true });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'smoker');
  r = await as.doc.post(`/api/patients/${pid}/screenings`, { ...clean, history: ['psychosis-maybe'] });
  assert.equal(r.status, 422);
  assert.match(r.json.error.message, /psychosis-maybe/);
  assert.equal((await as.nurse.post(`/api/patients/${pid}/screenings`, clean)).status, 403, 'nurses read clinical, prescribers write');
  assert.equal((await as.desk.get(`/api/patients/${pid}/screenings`)).status, 403);
  assert.equal((await as.doc.post('/api/patients/999999/screenings', clean)).status, 404);
  const audit = await as.audit.get('/api/audit?limit=1000');
  assert.ok(audit.json.entries.some((e) => e.resource_type === 'RiskAssessment' && e.action === 'create' && e.user === 'doc'));
});

const ivPlan = { condition: 'trd', protocol: 'iv-induction', route: 'iv', start_date: '2026-12-07', mg_per_kg: 0.5, duration_min: 40, conc_mg_per_ml: 1 };

test('plans: dose with pump rate and the dated course from src/clinic; only a prescriber signs, once', async () => {
  let r = await as.doc.post(`/api/patients/${pid}/plans`, ivPlan);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  // 0.5 mg/kg x 70 kg = 35 mg over 40 min; at 1 mg/mL that is 35 mL in 2/3 h = 52.5 mL/h
  assert.equal(r.json.dose.dose_mg_base, 35);
  assert.equal(r.json.dose.rate_ml_per_h, 52.5);
  assert.deepEqual(r.json.dose.pk_doses, ['iv 35mg over 40min']);
  assert.equal(r.json.schedule.sessions.length, 6, 'IV induction: 6 infusions (Murrough 2013)');
  assert.equal(r.json.schedule.sessions[0].date, '2026-12-07');
  assert.ok(r.json.pk_models.length >= 1 && r.json.pk_models.every((m) => m.id !== 'herd2007'), 'adult models only');
  const plan = r.json.id;
  assert.equal(r.json.signed_by, undefined);
  assert.equal((await as.nurse.post(`/api/plans/${plan}/sign`)).status, 403);
  assert.equal((await as.admin.post(`/api/plans/${plan}/sign`)).status, 403);
  r = await as.doc2.post(`/api/plans/${plan}/sign`);
  assert.equal(r.status, 200);
  assert.equal(r.json.signed_by, 'doc2');
  assert.equal((await as.doc.post(`/api/plans/${plan}/sign`)).status, 409);
  assert.equal((await as.doc.post('/api/plans/424242/sign')).status, 404);
  r = await as.nurse.get(`/api/patients/${pid}/plans`);
  assert.equal(r.json.plans[0].signed_by, 'doc2');
  r = await as.doc.post(`/api/patients/${pid2}/plans`, ivPlan);
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'weight_kg');
  r = await as.doc.post(`/api/patients/${pid}/plans`, { ...ivPlan, protocol: 'weekly-forever' });
  assert.equal(r.json.error.field, 'protocol');
  r = await as.doc.post(`/api/patients/${pid}/plans`, { ...ivPlan, start_date: '2026-02-30' });
  assert.equal(r.json.error.field, 'start_date');
  // issue 14: the plan's condition sets the dose rules — CRPS 4-hour infusions by rate
  // (Schwartzman 2009: 0.35 mg/kg/h, at most 25 mg/h), refused as depression (100-min limit)
  const crps = { ...ivPlan, condition: 'crps', mg_per_kg: 1.4, duration_min: 240 };
  r = await as.doc.post(`/api/patients/${pid}/plans`, crps);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(r.json.indication, 'crps');
  assert.equal(r.json.dose.duration_min, 240);
  r = await as.doc.post(`/api/patients/${pid}/plans`, { ...crps, condition: 'trd' });
  assert.equal(r.status, 422);
  r = await as.doc.post(`/api/patients/${pid}/plans`, { ...ivPlan, mg_per_kg: 5 });
  assert.equal(r.status, 422, 'above the hard limit');
  assert.equal((await as.nurse.post(`/api/patients/${pid}/plans`, ivPlan)).status, 403);
});

test('discharge: lists what is missing, records the check; bad Aldrete named; front desk refused', async () => {
  const s = await as.nurse.post('/api/sessions', { patient_id: pid, planned_at: '2026-11-23T08:00:00Z', chair: 'c1' });
  const sid = s.json.id;
  await as.nurse.post(`/api/sessions/${sid}/status`, { status: 'started', at: '2026-11-23T08:00:00Z' });
  const obs = (at, sbp) => [{ at, code: 'sbp', value: sbp }, { at, code: 'dbp', value: 80 }];
  await as.nurse.post(`/api/sessions/${sid}/vitals`, { observations: [...obs('2026-11-23T08:00:00Z', 125), ...obs('2026-11-23T09:00:00Z', 127)] });
  await as.nurse.post(`/api/sessions/${sid}/status`, { status: 'ended', at: '2026-11-23T08:40:00Z' });
  let r = await as.nurse.post(`/api/sessions/${sid}/discharge`, { aldrete: [2, 2, 2, 2, 2], mental_status_baseline: true });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.ready, false);
  assert.ok(r.json.missing.some((m) => /escort/i.test(m)), r.json.missing.join('; '));
  r = await as.nurse.post(`/api/sessions/${sid}/discharge`, { aldrete: [2, 2, 2, 2, 2], mental_status_baseline: true, escort_present: true });
  assert.equal(r.json.ready, true, r.json.missing.join('; '));
  assert.equal(r.json.aldrete_total, 10);
  assert.equal(r.json.bp.baseline_sbp, 125);
  r = await as.nurse.post(`/api/sessions/${sid}/discharge`, { aldrete: [2, 2, 3, 2, 2] });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'aldrete');
  r = await as.nurse.post(`/api/sessions/${sid}/discharge`, { dose_ended_at: 'an hour ago' });
  assert.equal(r.json.error.field, 'dose_ended_at');
  r = await as.desk.get(`/api/sessions/${sid}/discharge`);
  assert.equal(r.status, 403);
  r = await as.nurse.get(`/api/sessions/${sid}/discharge`);
  assert.equal(r.json.ready, true, 'the latest check');
  assert.equal(r.json.by_user, 'nurse');
  assert.equal((await as.desk.post(`/api/sessions/${sid}/discharge`, {})).status, 403);
  // interventions at the chair
  r = await as.nurse.post(`/api/sessions/${sid}/interventions`, { action: 'infusion-paused', notes: 'BP 182/100' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  r = await as.nurse.post(`/api/sessions/${sid}/interventions`, { action: 'sang a song' });
  assert.equal(r.json.error.field, 'action');
  r = await as.doc.get(`/api/sessions/${sid}/interventions`);
  assert.deepEqual(r.json.interventions.map((x) => [x.action, x.by_user, x.notes]), [['infusion-paused', 'nurse', 'BP 182/100']]);
  assert.equal((await as.desk.get(`/api/sessions/${sid}/interventions`)).status, 403);
  assert.equal((await as.nurse.post('/api/sessions/999999/interventions', { action: 'reassurance' })).status, 404);
  assert.equal((await as.nurse.post('/api/sessions/999999/discharge', {})).status, 404);
});

test('ledger: receipt, waste only with a second staff member confirming, entries; strict input', async () => {
  const base = { drug: 'ketamine', lot: 'LX', location: 'safe' };
  let r = await as.nurse.post('/api/ledger', { ...base, kind: 'receipt', qty_mg: 1000, supplier: 'Acme, DEA RA1234563' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  r = await as.nurse.post('/api/ledger', { ...base, kind: 'waste', qty_mg: 5 });
  assert.equal(r.status, 422);
  assert.match(r.json.error.message, /witness/);
  r = await as.nurse.post('/api/ledger', { ...base, kind: 'waste', qty_mg: 5, witness: 'doc', witness_password: 'wrong password here' });
  assert.equal(r.json.error.field, 'witness_password');
  r = await as.nurse.post('/api/ledger', { ...base, kind: 'waste', qty_mg: 5, witness: 'nurse', witness_password: pw });
  assert.equal(r.status, 422, 'the witness is someone else');
  r = await as.nurse.post('/api/ledger', { ...base, kind: 'waste', qty_mg: 5.25, witness: 'doc', witness_password: pw });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const bal = (await as.audit.get('/api/ledger/balances')).json.balances.find((b) => b.lot === 'LX');
  assert.equal(bal.balance_ug, 1000000 - 5250);
  const e = (await as.audit.get('/api/ledger/entries')).json.entries;
  assert.deepEqual(e.map((x) => [x.kind, x.qty_ug, x.user, x.witness]), [['receipt', 1000000, 'nurse', null], ['waste', 5250, 'nurse', 'doc']]);
  r = await as.nurse.post('/api/ledger', { ...base, kind: 'receipt', qty_mg: 1.0001, supplier: 'x' });
  assert.equal(r.json.error.field, 'qty_mg');
  r = await as.nurse.post('/api/ledger', { ...base, kind: 'administer', qty_mg: 1 });
  assert.equal(r.json.error.field, 'kind');
  r = await as.nurse.post('/api/ledger', { ...base, kind: 'waste', qty_mg: 5000, witness: 'doc', witness_password: pw });
  assert.equal(r.status, 422, 'never below zero');
  assert.equal((await as.audit.post('/api/ledger', { ...base, kind: 'receipt', qty_mg: 1, supplier: 'x' })).status, 403);
  assert.equal((await as.desk.get('/api/ledger/entries')).status, 403);
});

// Wilson score interval (Wilson, JASA 1927;22:209), written out here as the oracle.
function wilson(k, n, z = 1.959963984540054) {
  const p = k / n, d = 1 + z * z / n;
  const c = (p + z * z / (2 * n)) / d, w = (z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / d;
  return [c - w, c + w];
}

test('outcomes: response rate with its Wilson interval per condition and route, and benchmarks', async () => {
  const phq = (total) => { const a = Array(9).fill(0); for (let i = 0; total > 0; i = (i + 1) % 9) if (a[i] < 3) { a[i]++; total--; } return a; };
  for (const [mrn, end] of [['O-1', 8], ['O-2', 15]]) {
    const id = (await as.nurse.post('/api/patients', { mrn, family_name: 'Out', birth_date: '1970-01-01' })).json.id;
    await as.nurse.post(`/api/patients/${id}/weights`, { weight_kg: 80 });
    assert.equal((await as.doc.post(`/api/patients/${id}/plans`, ivPlan)).status, 201);
    assert.equal((await as.nurse.post(`/api/patients/${id}/scales`, { scale: 'phq9', answers: phq(20), at: '2026-11-01T09:00:00Z' })).status, 201);
    assert.equal((await as.nurse.post(`/api/patients/${id}/scales`, { scale: 'phq9', answers: phq(end), at: '2026-11-20T09:00:00Z' })).status, 201);
  }
  const r = await as.doc.get('/api/outcomes');
  assert.equal(r.status, 200);
  const g = r.json.groups.find((x) => x.condition === 'trd' && x.route === 'iv' && x.scale === 'phq9');
  assert.ok(g, JSON.stringify(r.json.groups));
  assert.equal(g.n, 2);
  assert.equal(g.responders, 1, '20 -> 8 is a response (>= 50%), 20 -> 15 is not');
  const [lo, hi] = wilson(1, 2);
  assert.ok(Math.abs(g.response_lo - lo) < 1e-9 && Math.abs(g.response_hi - hi) < 1e-9, `${g.response_lo}..${g.response_hi} vs ${lo}..${hi}`);
  assert.ok(r.json.benchmarks.some((b) => /Alnefeesi/.test(b.source)));
  assert.equal((await as.desk.get('/api/outcomes')).status, 403);
});

test('scale lines: the highest totals that are a response and a remission, from the clinical core', async () => {
  // PHQ-9: response = drop >= 50% (20 -> 10), remission = total < 5 (Kroenke, J Gen Intern Med 2001)
  let r = await as.nurse.get('/api/scales/phq9/lines?baseline=20');
  assert.equal(r.status, 200);
  assert.deepEqual([r.json.response_max_total, r.json.remission_max_total], [10, 4]);
  // MADRS: remission <= 10 (ESCAPE-TRD, Reif NEJM 2023, the protocol entry); response 50% of 31 -> 15
  r = await as.nurse.get('/api/scales/madrs/lines?baseline=31');
  assert.deepEqual([r.json.response_max_total, r.json.remission_max_total], [15, 10]);
  assert.equal((await as.nurse.get('/api/scales/cadss/lines?baseline=10')).status, 422, 'no response rule');
  assert.equal((await as.nurse.get('/api/scales/phq10/lines?baseline=10')).status, 404);
  r = await as.nurse.get('/api/scales/phq9/lines?baseline=28');
  assert.equal(r.json.error.field, 'baseline');
  assert.equal((await as.desk.get('/api/scales/phq9/lines?baseline=10')).status, 403);
});

test('staff list for the admin page: no password hashes; only admin and auditor', async () => {
  const r = await as.admin.get('/api/users');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.users.map((u) => u.name), ['admin', 'audit', 'desk', 'doc', 'doc2', 'nurse']);
  assert.ok(r.json.users.every((u) => Object.keys(u).sort().join() === 'active,display_name,id,name,role'));
  assert.equal((await as.audit.get('/api/users')).status, 200);
  assert.equal((await as.nurse.get('/api/users')).status, 403);
});

test('serve --protocol: the clinic\'s protocol is used by the rules (psychosis as the label reads it)', async () => {
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'kc-proto-'));
  writeFileSync(join(dir, 'clinic.json'), JSON.stringify({ clinic: 'label-clinic', overrides: { 'screen.psychosis_excludes': 0 } }));
  const s2 = await startServer({ dir, extra: ['--protocol', join(dir, 'clinic.json')] });
  try {
    const a = new Client(s2.base);
    assert.equal((await a.login('admin', s2.adminPassword)).status, 200);
    assert.equal((await a.post('/api/users', { name: 'doc', role: 'prescriber', display_name: 'doc', password: pw })).status, 201);
    const doc = new Client(s2.base);
    assert.equal((await doc.login('doc', pw)).status, 200);
    const p = await doc.post('/api/patients', { mrn: 'P-1', family_name: 'Proto', birth_date: '1980-01-01', sex: 'female' });
    const r = await doc.post(`/api/patients/${p.json.id}/screenings`, { ...clean, history: ['psychosis-history'] });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.equal(r.json.outcome, 'caution');
    assert.equal(r.json.findings.find((x) => x.id === 'psychosis-history').severity, 'caution');
    assert.match(r.json.protocol.version, /label-clinic/);
  } finally {
    await s2.stop();
  }
  // a bad protocol file stops the server at start with a clear message
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ clinic: 'x', overrides: { 'screen.psychosis_excludes': 5 } }));
  const { spawnSync } = await import('node:child_process');
  const bad = spawnSync(process.env.KC_BIN, ['serve', '--listen', '127.0.0.1:0', '--db', join(dir, 'b.db'), '--audit-key', join(dir, 'k'), '--protocol', join(dir, 'bad.json')], { encoding: 'utf8', timeout: 20000 });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--protocol .*bad\.json.*screen\.psychosis_excludes/);
});
