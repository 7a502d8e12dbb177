// fhir_seed.mjs — a clinic record for the FHIR tests, written through the plain API as the
// clinic writes it: two patients, a session with more vital signs than a page holds (blood
// pressures as pairs), weights, PHQ-9 / GAD-7 / MADRS results, side effects and three doses.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Client } from './server_harness.mjs';

export const PW = 'correct horse battery staple';

export async function seed(srv) {
  const admin = new Client(srv.base);
  assert.equal((await admin.login('admin', srv.adminPassword)).status, 200);
  for (const [name, role] of [['fn', 'nurse'], ['fa', 'auditor'], ['fp', 'prescriber'], ['fd', 'front-desk']]) {
    const u = await admin.post('/api/users', { name, role, display_name: name, password: PW });
    assert.ok(u.status === 201 || u.status === 422, JSON.stringify(u.json));
  }
  const nurseTok = (await admin.post('/api/tokens', { name: 'fhir-nurse', role: 'nurse' })).json.token;
  const readTok = (await admin.post('/api/tokens', { name: 'fhir-prescriber', role: 'prescriber' })).json.token;
  assert.ok(nurseTok && readTok, 'API tokens issued');
  const auditTok = (await admin.post('/api/tokens', { name: 'fhir-audit', role: 'auditor' })).json.token;
  const p = await admin.post('/api/patients', { mrn: 'F-1', family_name: 'Rivera', given_name: 'Ana',
    birth_date: '1975-02-03', sex: 'female', phone: '555-0101' });
  assert.equal(p.status, 201, JSON.stringify(p.json));
  const q = await admin.post('/api/patients', { mrn: 'F-2', family_name: 'Solo', birth_date: '1960-12-31' });
  assert.equal(q.status, 201);
  const pid = p.json.id, pid2 = q.json.id;
  const n = new Client(srv.base);
  assert.equal((await n.login('fn', PW)).status, 200);
  await n.post(`/api/patients/${pid}/weights`, { weight_kg: 70, at: '2026-11-30T09:00:00Z' });
  await n.post(`/api/patients/${pid}/weights`, { weight_kg: 71.5, at: '2026-12-01T08:30:00Z' });
  const s = await n.post('/api/sessions', { patient_id: pid, chair: 'c1', planned_at: '2026-12-01T09:00:00Z' });
  const sid = s.json.id;
  await n.post(`/api/sessions/${sid}/status`, { status: 'started', at: '2026-12-01T09:02:00Z' });
  const obs = [];
  for (let i = 0; i < 25; i++) { // 25 BP panels + 25 HR + 25 SpO2 + 25 RR: more than a page
    const at = new Date(Date.UTC(2026, 11, 1, 9, 10 + i)).toISOString().replace('.000', '');
    obs.push({ at, code: 'sbp', value: 120 + (i % 7) }, { at, code: 'dbp', value: 80 },
      { at, code: 'hr', value: 70 + (i % 5) }, { at, code: 'spo2', value: 98 }, { at, code: 'rr', value: 14 });
  }
  assert.equal((await n.post(`/api/sessions/${sid}/vitals`, { observations: obs })).status, 201);
  const s2 = await n.post('/api/sessions', { patient_id: pid, chair: 'c2', planned_at: '2026-12-03T09:00:00Z' });
  const s3 = await n.post('/api/sessions', { patient_id: pid2, chair: 'c3', planned_at: '2026-12-03T09:00:00Z' });
  const scales = [['phq9', [1, 1, 1, 1, 1, 1, 1, 1, 0]], ['gad7', [1, 2, 1, 0, 1, 1, 0]],
    ['phq9', [0, 1, 0, 1, 0, 1, 0, 0, 0]], ['madrs', [2, 2, 1, 1, 2, 1, 1, 2, 1, 0]]];
  for (const [scale, answers] of scales) {
    const r = await n.post(`/api/patients/${pid}/scales`, { scale, answers, session_id: sid });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  }
  for (const code of ['dizziness', 'nausea', 'dissociation'])
    assert.equal((await n.post(`/api/sessions/${sid}/side-effects`, { code, severity: 'mild' })).status, 201);
  execFileSync(process.env.KC_BIN, ['ledger', 'record', 'receipt', '--drug', 'ketamine', '--lot', 'F1', '--location', 'safe',
    '--qty', '500mg', '--supplier', 'Acme RA1234567', '--user', 'admin', '--role', 'admin', '--db', `${srv.dir}/kc.db`,
    '--audit-key', `${srv.dir}/audit.key`]);
  const pr = new Client(srv.base);
  assert.equal((await pr.login('fp', PW)).status, 200);
  for (let i = 0; i < 3; i++) {
    const d = await pr.post(`/api/sessions/${sid}/doses`, { route: 'iv', mg_per_kg: 0.1, duration_min: 10,
      conc_mg_per_ml: 1, lot: 'F1', location: 'safe', started_at: `2026-12-01T09:${10 + i * 12}:00Z` });
    assert.equal(d.status, 201, JSON.stringify(d.json));
  }
  return { admin, nurse: n, pid, pid2, sid, sid2: s2.json.id, sid3: s3.json.id, nurseTok, readTok, auditTok };
}
