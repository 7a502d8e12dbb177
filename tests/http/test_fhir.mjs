// test_fhir.mjs — the FHIR R4 face checked by real FHIR peers from npm: every resource the server
// emits validates with the `fhir` package's validator, and `fhir-kit-client` can read it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startServer, Client } from './server_harness.mjs';

const require = createRequire(import.meta.url);
const { Fhir } = require('fhir');
import { Client as FhirKit } from 'fhir-kit-client';
const fhir = new Fhir();

let srv, c, pid;

function assertValid(resource, what) {
  const v = fhir.validate(resource);
  assert.ok(v.valid, `${what} is not valid FHIR R4: ${JSON.stringify(v.messages)}`);
}

before(async () => {
  srv = await startServer();
  c = new Client(srv.base);
  assert.equal((await c.login('admin', srv.adminPassword)).status, 200);
  const p = await c.post('/api/patients', { mrn: 'F-1', family_name: 'Ng', given_name: 'Kim', birth_date: '1975-02-03', sex: 'female' });
  pid = p.json.id;
  const q = await c.post('/api/patients', { mrn: 'F-2', family_name: 'Solo', birth_date: '1960-12-31' });
  assert.equal(q.status, 201);
});
after(async () => { if (srv) await srv.stop(); });

test('CapabilityStatement validates', async () => {
  const r = await c.get('/fhir/metadata');
  assertValid(r.json, 'CapabilityStatement');
});

test('Patient resources validate, with and without optional parts', async () => {
  for (const id of [pid, pid + 1]) {
    const r = await c.get(`/fhir/Patient/${id}`);
    assert.equal(r.status, 200);
    assertValid(r.json, `Patient/${id}`);
  }
});

test('OperationOutcome validates', async () => {
  const r = await c.get('/fhir/Patient/999999');
  assert.equal(r.status, 404);
  assertValid(r.json, 'OperationOutcome');
});

test('fhir-kit-client reads through the API with a bearer token', async () => {
  const t = await c.post('/api/tokens', { name: 'fhirclient', role: 'nurse' });
  const client = new FhirKit({ baseUrl: `${srv.base}/fhir`, bearerToken: t.json.token });
  const meta = await client.capabilityStatement();
  assert.equal(meta.resourceType, 'CapabilityStatement');
  const p = await client.read({ resourceType: 'Patient', id: String(pid) });
  assert.equal(p.name[0].family, 'Ng');
  await assert.rejects(client.read({ resourceType: 'Patient', id: '999999' }));
});

test('every resource type the server emits validates; search, paging, create, $everything', async () => {
  const pw = 'correct horse battery staple';
  await c.post('/api/users', { name: 'fn', role: 'nurse', display_name: 'N', password: pw });
  await c.post('/api/users', { name: 'fa', role: 'auditor', display_name: 'A', password: pw });
  const n = new Client(srv.base);
  await n.login('fn', pw);
  await n.post(`/api/patients/${pid}/weights`, { weight_kg: 70 });
  const s = await n.post('/api/sessions', { patient_id: pid, chair: 'c1', planned_at: '2026-12-01T09:00:00Z' });
  const sid = s.json.id;
  await n.post(`/api/sessions/${sid}/status`, { status: 'started', at: '2026-12-01T09:02:00Z' });
  const obs = [];
  for (let i = 0; i < 5; i++) {
    const at = `2026-12-01T09:${String(10 + i * 5).padStart(2, '0')}:00Z`;
    obs.push({ at, code: 'sbp', value: 120 + i }, { at, code: 'dbp', value: 80 }, { at, code: 'hr', value: 70 }, { at, code: 'spo2', value: 98 });
  }
  assert.equal((await n.post(`/api/sessions/${sid}/vitals`, { observations: obs })).status, 201);
  await n.post(`/api/patients/${pid}/scales`, { scale: 'phq9', answers: [1, 1, 1, 1, 1, 1, 1, 1, 0], session_id: sid });
  await n.post(`/api/sessions/${sid}/side-effects`, { code: 'dizziness', severity: 'mild' });
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.env.KC_BIN, ['ledger', 'record', 'receipt', '--drug', 'ketamine', '--lot', 'F1', '--location', 'safe',
    '--qty', '100mg', '--supplier', 'Acme RA1234567', '--user', 'admin', '--role', 'admin', '--db', `${srv.dir}/kc.db`,
    '--audit-key', `${srv.dir}/audit.key`]);
  const dose = await n.post(`/api/sessions/${sid}/doses`, { route: 'iv', mg_per_kg: 0.5, duration_min: 40, conc_mg_per_ml: 1, lot: 'F1', location: 'safe' });
  assert.equal(dose.status, 201, JSON.stringify(dose.json));

  const validateBundle = (bundle, what) => {
    assertValid(bundle, what);
    for (const e of bundle.entry || []) assertValid(e.resource, `${what}: ${e.resource.resourceType}/${e.resource.id}`);
  };
  const enc = await n.get(`/fhir/Encounter/${sid}`);
  assert.equal(enc.status, 200);
  assertValid(enc.json, 'Encounter');
  assert.equal(enc.json.status, 'in-progress');
  validateBundle((await n.get(`/fhir/Encounter?patient=Patient/${pid}`)).json, 'Encounter search');

  // paging: 20 vitals = 5 blood pressure panels + 5 heart rates + 5 SpO2, and the weight
  const p1 = await n.get(`/fhir/Observation?patient=Patient/${pid}&category=vital-signs&_count=7`);
  validateBundle(p1.json, 'Observation page 1');
  assert.equal(p1.json.entry.length, 7);
  assert.equal(p1.json.total, 16);
  const next = p1.json.link.find((l) => l.relation === 'next').url;
  assert.ok(next.startsWith(`${srv.base}/fhir/Observation?`), next);
  const p2 = await n.get(next.slice(srv.base.length));
  assert.equal(p2.json.entry.length, 7);
  const ids1 = new Set(p1.json.entry.map((e) => e.resource.id));
  assert.ok(p2.json.entry.every((e) => !ids1.has(e.resource.id)), 'pages do not overlap');
  const hr = await n.get(`/fhir/Observation?patient=Patient/${pid}&code=http://loinc.org|8867-4`);
  assert.equal(hr.json.entry.length, 5);
  assert.ok(hr.json.entry.every((e) => e.resource.code.coding[0].code === '8867-4'));
  const late = await n.get(`/fhir/Observation?patient=Patient/${pid}&code=85354-9&date=ge2026-12-01T09:20:00Z`);
  assert.equal(late.json.entry.length, 3);
  assert.deepEqual(late.json.entry[0].resource.component.map((c) => c.code.coding[0].code), ['8480-6', '8462-4']);
  const survey = await n.get(`/fhir/Observation?patient=Patient/${pid}&category=survey`);
  validateBundle(survey.json, 'survey Observations');
  assert.equal(survey.json.entry[0].resource.code.coding[0].code, '44261-6');
  assert.equal(survey.json.entry[0].resource.valueInteger, 8);

  const created = await n.post('/fhir/Observation', {
    resourceType: 'Observation', status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, subject: { reference: `Patient/${pid}` },
    encounter: { reference: `Encounter/${sid}` }, effectiveDateTime: '2026-12-01T09:40:00Z',
    valueQuantity: { value: 88, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' } });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  assertValid(created.json, 'created Observation');
  assert.match(created.headers.get('location'), /^http:\/\/127\.0\.0\.1:\d+\/fhir\/Observation\/v\d+\/_history\/[0-9a-f]+$/);
  assert.equal(created.headers.get('etag'), `W/"${created.json.meta.versionId}"`);
  const again = await n.get(created.headers.get('location').slice(srv.base.length));
  assert.equal(again.status, 200, 'the Location resolves');
  assert.equal(created.json.valueQuantity.value, 88);
  const bad = await n.post('/fhir/Observation', { resourceType: 'Observation', status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, encounter: { reference: `Encounter/${sid}` },
    effectiveDateTime: '2026-12-01T09:41:00Z', valueQuantity: { value: 900, code: '/min' } });
  assert.equal(bad.status, 422);
  assertValid(bad.json, 'OperationOutcome 422');

  validateBundle((await n.get(`/fhir/MedicationAdministration?patient=Patient/${pid}`)).json, 'MedicationAdministration');
  const ae = await n.get(`/fhir/AdverseEvent?subject=Patient/${pid}`);
  validateBundle(ae.json, 'AdverseEvent');
  assert.equal(ae.json.entry[0].resource.event.text, 'dizziness');

  const a = new Client(srv.base);
  await a.login('fa', pw);
  const audit = await a.get('/fhir/AuditEvent?_count=20');
  validateBundle(audit.json, 'AuditEvent');
  assert.equal((await n.get('/fhir/AuditEvent')).status, 403, 'nurses do not read the audit log');

  const all = await n.get(`/fhir/Patient/${pid}/$everything`);
  assert.equal(all.status, 200);
  validateBundle(all.json, '$everything');
  const types = new Set(all.json.entry.map((e) => e.resource.resourceType));
  for (const t of ['Patient', 'Encounter', 'Observation', 'MedicationAdministration', 'AdverseEvent', 'QuestionnaireResponse']) assert.ok(types.has(t), t);
  // 15 vital-sign Observations (BP as panels) + the created heart rate + the weight + the PHQ-9 total
  assert.equal(all.json.entry.filter((e) => e.resource.resourceType === 'Observation').length, 15 + 1 + 1 + 1);
  assert.equal((await n.get('/fhir/Observation')).status, 400, 'search needs a patient');
  const byMrn = await n.get('/fhir/Patient?identifier=urn:ketaclinic:mrn|F-1');
  validateBundle(byMrn.json, 'Patient search');
  assert.equal(byMrn.json.entry.length, 1);
});
