// test_time.mjs — times and dates through the API go through the one time module (src/base/kctime):
// impossible dates are refused on every face that takes one (?date=, FHIR date, birth dates,
// record times), RFC 3339 offsets are applied (stored in UTC), and a clinic day is the clinic's
// local day (serve --time-zone America/New_York; EST is UTC-5 in December).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, Client } from './server_harness.mjs';

let srv, admin;
const pw = 'correct horse battery staple';
const as = {};

before(async () => {
  srv = await startServer({ extra: ['--time-zone', 'America/New_York'] });
  admin = new Client(srv.base);
  assert.equal((await admin.login('admin', srv.adminPassword)).status, 200);
  for (const [name, role] of [['desk', 'front-desk'], ['nurse', 'nurse']]) {
    const c = await admin.post('/api/users', { name, role, display_name: `Test ${role}`, password: pw });
    assert.equal(c.status, 201, JSON.stringify(c.json));
    as[name] = new Client(srv.base);
    assert.equal((await as[name].login(name, pw)).status, 200);
  }
});

after(async () => { if (srv) await srv.stop(); });

test('an unknown time zone stops the server from starting', () => {
  const r = spawnSync(process.env.KC_BIN, ['serve', '--listen', '127.0.0.1:0', '--db', `${srv.dir}/other.db`,
    '--time-zone', 'Mars/Olympus_Mons'], { encoding: 'utf8', timeout: 20000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--time-zone: time zone 'Mars\/Olympus_Mons' is not in the tzdata database/);
});

test('impossible dates are refused on every face that takes one', async () => {
  const bad = await as.desk.post('/api/patients', { mrn: 'T-1', family_name: 'Doe', birth_date: '1980-02-30' });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'birth_date');
  assert.match(bad.json.error.message, /month 2 has no day 30/);
  const future = await as.desk.post('/api/patients', { mrn: 'T-1', family_name: 'Doe', birth_date: '2199-01-01' });
  assert.equal(future.status, 422);
  assert.match(future.json.error.message, /after today/);
  for (const d of ['2026-02-31', '2026-13-01', '2026-2-3', '2026-02-29']) {
    const r = await as.desk.get(`/api/sessions?date=${d}`);
    assert.equal(r.status, 400, d);
    assert.equal(r.json.error.field, 'date');
  }
  const p = await as.desk.post('/api/patients', { mrn: 'T-1', family_name: 'Doe', birth_date: '1980-02-29' });
  assert.equal(p.status, 201, JSON.stringify(p.json));
  for (const d of ['2026-02-31', 'ge2026-02-31', '2026-02-28T24:00:00Z', '2026-02-28T10:00:00']) {
    const f = await as.nurse.get(`/fhir/Observation?patient=Patient/${p.json.id}&date=${d}`);
    assert.equal(f.status, 400, d);
  }
  const s = await as.desk.post('/api/sessions', { patient_id: p.json.id, planned_at: '2026-02-31T09:00:00Z', chair: 'c1' });
  assert.equal(s.status, 422);
  assert.equal(s.json.error.field, 'planned_at');
  const s2 = await as.desk.post('/api/sessions', { patient_id: p.json.id, planned_at: '2026-12-01T24:61:00Z', chair: 'c1' });
  assert.equal(s2.status, 422);
});

test('offsets are applied and a clinic day is the local day', async () => {
  const p = await as.desk.post('/api/patients', { mrn: 'T-2', family_name: 'Roe', birth_date: '1975-06-15' });
  assert.equal(p.status, 201);
  // 22:00 in New York on 1 December is 03:00Z on the 2nd; 23:00 on 30 November is 04:00Z on the 1st
  const late = await as.desk.post('/api/sessions', { patient_id: p.json.id, planned_at: '2026-12-01T22:00:00-05:00', chair: 'c1' });
  assert.equal(late.status, 201, JSON.stringify(late.json));
  const early = await as.desk.post('/api/sessions', { patient_id: p.json.id, planned_at: '2026-12-01T04:00:00Z', chair: 'c2' });
  assert.equal(early.status, 201);
  const dec1 = await as.desk.get('/api/sessions?date=2026-12-01');
  assert.equal(dec1.status, 200);
  const mine = dec1.json.sessions.filter((x) => x.id === late.json.id || x.id === early.json.id);
  assert.deepEqual(mine.map((x) => x.id), [late.json.id]);
  assert.match(mine[0].planned_at, /^2026-12-02T03:00:00(\.000)?Z$/);
  const nov30 = await as.desk.get('/api/sessions?date=2026-11-30');
  assert.ok(nov30.json.sessions.some((x) => x.id === early.json.id));
});
