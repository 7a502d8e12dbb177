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
