// test_api.mjs — the clinic server over real HTTP: login, each role's allowed and forbidden
// actions, every resource, bad input, limits, FHIR, and graceful shutdown with requests in flight.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, Client } from './server_harness.mjs';

let srv, admin;
const pw = 'correct horse battery staple';
const users = { prescriber: 'prescriber', nurse: 'nurse', desk: 'front-desk', audit: 'auditor' };
const as = {};

before(async () => {
  srv = await startServer({ extra: ['--max-body', '65536'] });
  admin = new Client(srv.base);
  assert.ok(srv.adminPassword, 'the first start prints the admin one-time password');
  const r = await admin.login('admin', srv.adminPassword);
  assert.equal(r.status, 200);
  for (const [name, role] of Object.entries(users)) {
    const c = await admin.post('/api/users', { name, role, display_name: `Test ${role}`, password: pw });
    assert.equal(c.status, 201, JSON.stringify(c.json));
    as[name] = new Client(srv.base);
    assert.equal((await as[name].login(name, pw)).status, 200);
  }
});

after(async () => { if (srv) await srv.stop(); });

test('every endpoint but login needs a session', async () => {
  const anon = new Client(srv.base);
  for (const [m, p] of [['GET', '/api/me'], ['GET', '/api/patients/1'], ['POST', '/api/patients'],
                        ['GET', '/api/audit'], ['GET', '/fhir/Patient/1'], ['POST', '/api/pk/simulate']]) {
    const r = await anon.req(m, p, m === 'POST' ? {} : undefined);
    assert.equal(r.status, 401, `${m} ${p}`);
    if (p.startsWith('/fhir/')) assert.equal(r.json.issue[0].code, 'login'); // an OperationOutcome
    else assert.equal(r.json.error.code, 'unauthenticated');
  }
  // the FHIR CapabilityStatement is public (SMART discovery starts there): no patient data in it
  assert.equal((await anon.get('/fhir/metadata')).status, 200);
});

test('login: cookie flags, wrong password, CSRF on writes', async () => {
  const c = new Client(srv.base);
  const bad = await c.post('/api/login', { user: 'nurse', password: 'wrong password!!' });
  assert.equal(bad.status, 401);
  const r = await c.login('nurse', pw);
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(r.json.csrf_token, /^[0-9a-f]{64}$/);
  const me = await c.get('/api/me');
  assert.equal(me.json.role, 'nurse');
  const noCsrf = new Client(srv.base);
  noCsrf.cookie = c.cookie;
  const w = await noCsrf.post('/api/patients', { mrn: 'X1', family_name: 'A', birth_date: '1990-01-01' });
  assert.equal(w.status, 403);
  assert.match(w.json.error.message, /CSRF/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
});

test('lockout after repeated failed logins', async () => {
  const c = new Client(srv.base);
  await admin.post('/api/users', { name: 'victim', role: 'nurse', display_name: 'V', password: pw });
  for (let i = 0; i < 5; i++) await c.post('/api/login', { user: 'victim', password: 'not the password' });
  const r = await c.post('/api/login', { user: 'victim', password: pw });
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) > 0);
});

let patientId, sessionId;

test('patients: create, read, weights, strict validation', async () => {
  const r = await as.desk.post('/api/patients', { mrn: 'MRN-100', family_name: 'Doe', given_name: 'Jane',
    birth_date: '1980-05-01', sex: 'female', phone: '555-0100' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  patientId = r.json.id;
  assert.equal(r.headers.get('location'), `/api/patients/${patientId}`);
  const g = await as.nurse.get(`/api/patients/${patientId}`);
  assert.equal(g.status, 200);
  assert.equal(g.json.family_name, 'Doe');
  const dup = await as.desk.post('/api/patients', { mrn: 'MRN-100', family_name: 'X', birth_date: '1980-05-01' });
  assert.equal(dup.status, 409);
  const unknown = await as.desk.post('/api/patients', { mrn: 'M2', family_name: 'X', birth_date: '1980-05-01', ssn: '1' });
  assert.equal(unknown.status, 422);
  assert.equal(unknown.json.error.field, 'ssn');
  const badDate = await as.desk.post('/api/patients', { mrn: 'M3', family_name: 'X', birth_date: '01/05/1980' });
  assert.equal(badDate.status, 422);
  assert.equal(badDate.json.error.field, 'birth_date');
  const wrongType = await as.desk.post('/api/patients', { mrn: 42, family_name: 'X', birth_date: '1980-05-01' });
  assert.equal(wrongType.status, 422);
  const malformed = await as.desk.post('/api/patients', '{"mrn": "M4", ');
  assert.equal(malformed.status, 400);
  for (const w of [0, 900]) {
    const bw = await as.nurse.post(`/api/patients/${patientId}/weights`, { weight_kg: w });
    assert.equal(bw.status, 422, `weight ${w}`);
    assert.equal(bw.json.error.field, 'weight_kg');
  }
  const okw = await as.nurse.post(`/api/patients/${patientId}/weights`, { weight_kg: 72.5, height_cm: 168 });
  assert.equal(okw.status, 201);
  assert.equal((await as.nurse.get(`/api/patients/${patientId}`)).json.weight_kg, 72.5);
  assert.equal((await as.nurse.get('/api/patients/999999')).status, 404);
});

test('sessions and vitals: transitions, batches, impossible values refused whole', async () => {
  const s = await as.desk.post('/api/sessions', { patient_id: patientId, planned_at: '2026-12-01T09:00:00Z', chair: 'chair-1' });
  assert.equal(s.status, 201, JSON.stringify(s.json));
  sessionId = s.json.id;
  assert.equal((await as.nurse.post(`/api/sessions/${sessionId}/status`, { status: 'ended' })).status, 409);
  const st = await as.nurse.post(`/api/sessions/${sessionId}/status`, { status: 'started', at: '2026-12-01T09:05:00Z' });
  assert.equal(st.status, 200);
  assert.equal(st.json.status, 'started');
  const obs = [];
  for (let i = 0; i < 10; i++) {
    const at = `2026-12-01T09:${String(10 + i).padStart(2, '0')}:00Z`;
    obs.push({ at, code: 'sbp', value: 125 + i }, { at, code: 'dbp', value: 80 }, { at, code: 'hr', value: 72 }, { at, code: 'spo2', value: 98 });
  }
  const v = await as.nurse.post(`/api/sessions/${sessionId}/vitals`, { observations: obs });
  assert.equal(v.status, 201, JSON.stringify(v.json));
  assert.equal(v.json.stored, 40);
  const bad = await as.nurse.post(`/api/sessions/${sessionId}/vitals`, { observations: [
    { at: '2026-12-01T09:30:00Z', code: 'hr', value: 70 },
    { at: '2026-12-01T09:30:00Z', code: 'sbp', value: 20 }, { at: '2026-12-01T09:30:00Z', code: 'dbp', value: 300 }] });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'observations[1]');
  const inverted = await as.nurse.post(`/api/sessions/${sessionId}/vitals`, { observations: [
    { at: '2026-12-01T09:31:00Z', code: 'sbp', value: 80 }, { at: '2026-12-01T09:31:00Z', code: 'dbp', value: 120 }] });
  assert.equal(inverted.status, 422);
  const count = await as.nurse.get(`/api/sessions/${sessionId}/vitals/count`);
  assert.equal(count.json.count, 40, 'nothing of the refused batches was stored');
});

test('scales: PHQ-9 scored by the clinical core, item 9 raises the alert', async () => {
  const r = await as.nurse.post(`/api/patients/${patientId}/scales`, { scale: 'phq9', answers: [1, 2, 0, 3, 1, 0, 2, 1, 1], session_id: sessionId });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(r.json.total, 11);
  assert.equal(r.json.safety_alert, true);
  const missing = await as.nurse.post(`/api/patients/${patientId}/scales`, { scale: 'phq9', answers: [1, 2, 0] });
  assert.equal(missing.status, 422);
  const unknown = await as.nurse.post(`/api/patients/${patientId}/scales`, { scale: 'phq99', answers: [] });
  assert.equal(unknown.status, 422);
});

test('roles: each role allowed and forbidden', async () => {
  // front desk: schedules and patients yes; session notes, vitals, scales, audit no
  assert.equal((await as.desk.get(`/api/sessions/${sessionId}`)).status, 403);
  assert.equal((await as.desk.get(`/api/sessions/${sessionId}/vitals/count`)).status, 403);
  assert.equal((await as.desk.post(`/api/patients/${patientId}/scales`, { scale: 'gad7', answers: [0, 0, 0, 0, 0, 0, 0] })).status, 403);
  assert.equal((await as.desk.get('/api/audit')).status, 403);
  // nurse: sessions yes; audit and users no
  assert.equal((await as.nurse.get(`/api/sessions/${sessionId}`)).status, 200);
  assert.equal((await as.nurse.get('/api/audit')).status, 403);
  assert.equal((await as.nurse.post('/api/users', { name: 'x', role: 'admin', display_name: 'x', password: pw })).status, 403);
  // auditor: reads audit log and ledger; writes nothing
  assert.equal((await as.audit.get('/api/audit?limit=5')).status, 200);
  assert.equal((await as.audit.get('/api/ledger/balances')).status, 200);
  assert.equal((await as.audit.post('/api/patients', { mrn: 'A1', family_name: 'X', birth_date: '1980-05-01' })).status, 403);
  assert.equal((await as.audit.post(`/api/sessions/${sessionId}/vitals`, { observations: [{ code: 'hr', value: 70 }] })).status, 403);
  // prescriber: clinical reads and writes, no audit log
  assert.equal((await as.prescriber.get(`/api/patients/${patientId}`)).status, 200);
  assert.equal((await as.prescriber.get('/api/audit')).status, 403);
});

test('every read of patient data is in the audit log', async () => {
  await as.nurse.get(`/api/patients/${patientId}`);
  const r = await as.audit.get('/api/audit?limit=1000');
  const reads = r.json.entries.filter((e) => e.user === 'nurse' && e.action === 'read' && e.resource_type === 'Patient' && e.resource_id === String(patientId));
  assert.ok(reads.length >= 1, 'the nurse read is audited');
  assert.ok(r.json.entries.some((e) => e.action === 'login' && e.user === 'victim' && e.outcome === 'failure'));
});

test('API tokens for machine clients', async () => {
  const t = await admin.post('/api/tokens', { name: 'gateway', role: 'nurse' });
  assert.equal(t.status, 201);
  const m = new Client(srv.base);
  m.bearer = t.json.token;
  assert.equal((await m.get(`/api/sessions/${sessionId}/vitals/count`)).status, 200);
  m.bearer = t.json.token.slice(0, -2) + 'xx';
  assert.equal((await m.get(`/api/sessions/${sessionId}/vitals/count`)).status, 401);
});

test('PK prediction through the API', async () => {
  const r = await as.prescriber.post('/api/pk/simulate', { model: 'domino1984', weight_kg: 70, doses: ['iv 0.5mg/kg over 40min'], until_min: 60, step_min: 10 });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const i = r.json.time_min.indexOf(40);
  assert.ok(Math.abs(r.json.cp_ng_per_ml[i] - 240.36) < 0.01);
  const bad = await as.prescriber.post('/api/pk/simulate', { model: 'marsh', weight_kg: 70, doses: ['iv 10mg'] });
  assert.equal(bad.status, 422);
  assert.match(bad.json.error.message, /domino1984/);
});

test('FHIR: CapabilityStatement, Patient read, OperationOutcome', async () => {
  const md = await as.nurse.get('/fhir/metadata');
  assert.equal(md.status, 200);
  assert.match(md.headers.get('content-type'), /application\/fhir\+json/);
  assert.equal(md.json.resourceType, 'CapabilityStatement');
  assert.equal(md.json.fhirVersion, '4.0.1');
  const p = await as.nurse.get(`/fhir/Patient/${patientId}`);
  assert.equal(p.status, 200);
  assert.equal(p.json.resourceType, 'Patient');
  assert.equal(p.json.birthDate, '1980-05-01');
  assert.equal(p.headers.get('etag'), `W/"${p.json.meta.versionId}"`);
  const nf = await as.nurse.get('/fhir/Patient/424242');
  assert.equal(nf.status, 404);
  assert.equal(nf.json.resourceType, 'OperationOutcome');
});

test('limits: unknown path, method, body and header size', async () => {
  assert.equal((await as.nurse.get('/api/nothing-here')).status, 404);
  assert.equal((await as.nurse.get('/api/login')).status, 405);
  const big = { observations: Array.from({ length: 5000 }, () => ({ at: '2026-12-01T09:10:00Z', code: 'hr', value: 70 })) };
  const r = await as.nurse.post(`/api/sessions/${sessionId}/vitals`, big);
  assert.equal(r.status, 413);
  assert.equal(r.json.error.code, 'body_too_large');
  const status = await new Promise((resolve, reject) => {
    const req = http.request(`${srv.base}/api/me`, { headers: { 'X-Big': 'a'.repeat(64 * 1024) } }, (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 431);
  // the server is still fine
  assert.equal((await as.nurse.get('/api/me')).status, 200);
});

test('graceful shutdown finishes requests in flight and loses nothing acknowledged', async () => {
  const s2 = await startServer();
  const a = new Client(s2.base);
  await a.login('admin', s2.adminPassword);
  await a.post('/api/users', { name: 'nurse', role: 'nurse', display_name: 'N', password: pw });
  const c = new Client(s2.base);
  await c.login('nurse', pw);
  const p = await c.post('/api/patients', { mrn: 'G1', family_name: 'G', birth_date: '1970-01-01' });
  const sess = await c.post('/api/sessions', { patient_id: p.json.id, chair: 'c1' });
  await c.post(`/api/sessions/${sess.json.id}/status`, { status: 'started' });
  const batch = { observations: Array.from({ length: 500 }, (_, i) => ({ at: `2026-12-01T10:00:${String(i % 60).padStart(2, '0')}Z`, code: 'hr', value: 60 + (i % 40) })) };
  const inflight = Array.from({ length: 24 }, () => c.post(`/api/sessions/${sess.json.id}/vitals`, batch).catch(() => ({ status: 0 })));
  await new Promise((r) => setTimeout(r, 15));
  const exit = s2.stop('SIGTERM');
  const results = await Promise.all(inflight);
  const { code } = await exit;
  assert.equal(code, 0, s2.stderr());
  const acked = results.filter((r) => r.status === 201).length;
  assert.ok(results.every((r) => r.status === 201 || r.status === 0), JSON.stringify(results.map((r) => r.status)));
  // every acknowledged batch is in the database, and no refused or interrupted one half-written
  const { execFileSync } = await import('node:child_process');
  const n = Number(execFileSync('sqlite3', [`${s2.dir}/kc.db`, 'SELECT count(*) FROM vitals'], { encoding: 'utf8' }).trim());
  assert.equal(n, acked * 500, `acknowledged ${acked} batches`);
});

test('lists: patient search, the day\'s sessions, vitals with alarms, side effects, scale trajectory', async () => {
  const found = await as.nurse.get('/api/patients?q=do&limit=10');
  assert.equal(found.status, 200);
  assert.ok(found.json.patients.some((p) => p.id === patientId));
  assert.equal((await as.nurse.get('/api/patients?q=zzz')).json.patients.length, 0);
  assert.equal((await as.nurse.get('/api/patients?limit=0')).status, 400);
  const day = await as.desk.get('/api/sessions?date=2026-12-01');
  assert.equal(day.status, 200);
  assert.ok(day.json.sessions.some((s) => s.id === sessionId && s.family_name === 'Doe' && s.chair === 'chair-1'));
  assert.equal((await as.desk.get('/api/sessions?date=2026-12-02')).json.sessions.filter((s) => s.id === sessionId).length, 0);
  assert.equal((await as.desk.get('/api/sessions?date=12/01/2026')).status, 400);
  // a systolic of 205 is above the single-reading alarm (protocol alarm.sbp_single_mmhg 200)
  const before = await as.nurse.get(`/api/sessions/${sessionId}/vitals`);
  assert.equal(before.json.alarms.filter((a) => a.severity === 'critical').length, 0);
  await as.nurse.post(`/api/sessions/${sessionId}/vitals`, { observations: [
    { at: '2026-12-01T09:40:00Z', code: 'sbp', value: 205 }, { at: '2026-12-01T09:40:00Z', code: 'dbp', value: 100 },
    { at: '2026-12-01T09:40:00Z', code: 'spo2', value: 97 }] });
  const after = await as.nurse.get(`/api/sessions/${sessionId}/vitals?after=${before.json.last_id}`);
  assert.equal(after.json.observations.length, 3, 'only the new rows');
  assert.ok(after.json.alarms.some((a) => a.severity === 'critical' && a.id.startsWith('bp')), JSON.stringify(after.json.alarms));
  const se = await as.nurse.post(`/api/sessions/${sessionId}/side-effects`, { code: 'nausea', severity: 'mild', notes: 'ondansetron 4 mg' });
  assert.equal(se.status, 201);
  assert.equal((await as.nurse.post(`/api/sessions/${sessionId}/side-effects`, { code: 'nausea', severity: 'awful' })).status, 422);
  assert.equal((await as.desk.get(`/api/sessions/${sessionId}/side-effects`)).status, 403);
  const list = await as.nurse.get(`/api/sessions/${sessionId}/side-effects`);
  assert.equal(list.json.side_effects[0].code, 'nausea');
  await as.nurse.post(`/api/patients/${patientId}/scales`, { scale: 'phq9', answers: [0, 1, 0, 1, 1, 0, 1, 0, 0], at: '2026-12-20T09:00:00Z' });
  const traj = await as.prescriber.get(`/api/patients/${patientId}/scales?scale=phq9`);
  assert.equal(traj.status, 200);
  const last = traj.json.results.at(-1);
  assert.equal(last.total, 4);
  assert.equal(last.change.baseline, 11);
  assert.equal(last.change.response, true, '11 -> 4 is a 64% drop');
  assert.equal((await as.desk.get(`/api/patients/${patientId}/scales`)).status, 403);
});

test('static files: the UI is served, traversal is not', async () => {
  const res = await fetch(`${srv.base}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/html/);
  assert.match(res.headers.get('content-security-policy'), /default-src 'self'/);
  const status = await new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: Number(srv.hostport.split(':')[1]), path: '/../../etc/passwd' }, (r) => { r.resume(); resolve(r.statusCode); });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 404);
  assert.equal((await fetch(`${srv.base}/missing.js`)).status, 404);
  const api = await fetch(`${srv.base}/api/does-not-exist`);
  assert.equal(api.status, 404, 'API paths are never answered with a page');
  assert.match(api.headers.get('content-type'), /application\/json/);
});

test('doses: planned by the clinical core, recorded with the ledger, predicted by the PK engine', async () => {
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.env.KC_BIN, ['ledger', 'record', 'receipt', '--drug', 'ketamine', '--lot', 'L100', '--location', 'safe-1',
    '--qty', '500mg', '--supplier', 'Acme Pharma DEA RA1234567', '--user', 'admin', '--role', 'admin',
    '--db', `${srv.dir}/kc.db`, '--audit-key', `${srv.dir}/audit.key`], { encoding: 'utf8' });
  // the session is started (earlier test); weight 72.5 kg recorded
  const body = { route: 'iv', mg_per_kg: 0.5, duration_min: 40, conc_mg_per_ml: 0.5, container_ml: 100, lot: 'L100', location: 'safe-1' };
  const d = await as.nurse.post(`/api/sessions/${sessionId}/doses`, body);
  assert.equal(d.status, 201, JSON.stringify(d.json));
  assert.ok(Math.abs(d.json.dose_mg_base - 36.25) < 1e-9, '0.5 mg/kg x 72.5 kg');
  assert.ok(Math.abs(d.json.rate_ml_per_h - 36.25 / 0.5 / 40 * 60) < 1e-6, 'mL/h from the bag concentration');
  assert.ok(d.json.ledger_seq > 0);
  assert.equal(d.json.prediction.model, 'domino1984');
  const i40 = d.json.prediction.time_min.indexOf(40);
  assert.ok(d.json.prediction.cp_ng_per_ml[i40] > 200 && d.json.prediction.cp_ng_per_ml[i40] < 260);
  const bal = await as.audit.get('/api/ledger/balances');
  const row = bal.json.balances.find((b) => b.lot === 'L100');
  assert.equal(row.balance_ug, 500000 - 36250, 'the ledger moved with the dose');
  // above the hard limit: refused for everyone
  const hard = await as.prescriber.post(`/api/sessions/${sessionId}/doses`, { ...body, mg_per_kg: 3, override_reason: 'test' });
  assert.equal(hard.status, 422);
  // above the default but under the hard limit: a nurse may not order it, a prescriber may with a reason
  const nurseOver = await as.nurse.post(`/api/sessions/${sessionId}/doses`, { ...body, mg_per_kg: 0.9, override_reason: 'partial response' });
  assert.equal(nurseOver.status, 403);
  const noReason = await as.prescriber.post(`/api/sessions/${sessionId}/doses`, { ...body, mg_per_kg: 0.9 });
  assert.equal(noReason.status, 422);
  const signed = await as.prescriber.post(`/api/sessions/${sessionId}/doses`, { ...body, conc_mg_per_ml: 1, mg_per_kg: 0.9, override_reason: 'partial response at 0.75' });
  assert.equal(signed.status, 201, JSON.stringify(signed.json));
  assert.equal(signed.json.override_used, true);
  // more than the lot holds: refused, nothing recorded
  const tooMuch = await as.prescriber.post(`/api/sessions/${sessionId}/doses`, { ...body, lot: 'NOPE' });
  assert.ok([404, 422].includes(tooMuch.status), JSON.stringify(tooMuch.json));
  const after = (await as.audit.get('/api/ledger/balances')).json.balances.find((b) => b.lot === 'L100');
  assert.equal(after.balance_ug, 500000 - 36250 - Math.round(0.9 * 72.5 * 1000));
  assert.equal((await as.desk.post(`/api/sessions/${sessionId}/doses`, body)).status, 403);
});

test('booking: esketamine sessions need REMS enrolment by the day (the scheduler\'s check)', async () => {
  const p = await as.desk.post('/api/patients', { mrn: 'ESK-1', family_name: 'Esk', birth_date: '1975-01-01', sex: 'male' });
  const refused = await as.desk.post('/api/sessions', { patient_id: p.json.id, chair: 'c2', planned_at: '2026-12-03T09:00:00Z', service: 'esketamine' });
  assert.equal(refused.status, 409, JSON.stringify(refused.json));
  assert.match(refused.json.error.message, /REMS/);
  assert.equal((await as.desk.post('/api/sessions', { patient_id: p.json.id, chair: 'c2', service: 'laser' })).status, 422);
  const enrol = await as.prescriber.post(`/api/patients/${p.json.id}/rems-enrolment`, { enrolled_on: '2026-12-01' });
  assert.equal(enrol.status, 201, JSON.stringify(enrol.json));
  const ok = await as.desk.post('/api/sessions', { patient_id: p.json.id, chair: 'c2', planned_at: '2026-12-03T09:00:00Z', service: 'esketamine' });
  assert.equal(ok.status, 201, JSON.stringify(ok.json));
});
