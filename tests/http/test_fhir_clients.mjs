// test_fhir_clients.mjs — three FHIR clients from npm, used as they ship, against the real server:
// fhir-kit-client, fhirclient (SMART on FHIR's JavaScript library) and fhir.js.  Each does
// discovery, a read, a search, paging to the end with its own next-page helper (every match
// once, then no next page), and a create.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Client as FhirKit } from 'fhir-kit-client';
import { startServer } from './server_harness.mjs';
import { seed } from './fhir_seed.mjs';

const require = createRequire(import.meta.url);
const smart = require('fhirclient');
const { getSecurityExtensions, fetchWellKnownJson } = require('fhirclient/lib/smart');
const mkFhir = require('fhir.js');

let srv, w, base;
const VITALS = 25 * 4 + 2; // 25 BP panels, HR, SpO2, RR, and two weights

before(async () => {
  srv = await startServer();
  w = await seed(srv);
  base = `${srv.base}/fhir`;
});
after(async () => { if (srv) await srv.stop(); });

function once(ids, what) {
  assert.equal(new Set(ids).size, ids.length, `${what}: a resource came twice`);
}

function newPatient(mrn) {
  return { resourceType: 'Patient', identifier: [{ system: 'urn:ketaclinic:mrn', value: mrn }],
    name: [{ family: 'Client', given: [mrn] }], gender: 'female', birthDate: '1990-01-01' };
}

function heartRate(value) {
  return { resourceType: 'Observation', status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, subject: { reference: `Patient/${w.pid2}` },
    encounter: { reference: `Encounter/${w.sid3}` }, effectiveDateTime: `2026-12-03T10:${String(value - 40).padStart(2, '0')}:00Z`,
    valueQuantity: { value, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' } };
}

test('fhir-kit-client: discovery, read, search, nextPage to the end, create', async () => {
  const client = new FhirKit({ baseUrl: base, bearerToken: w.nurseTok });
  const cs = await client.capabilityStatement();
  assert.equal(cs.resourceType, 'CapabilityStatement');
  const auth = await client.smartAuthMetadata();
  assert.equal(typeof auth, 'object');
  const p = await client.read({ resourceType: 'Patient', id: String(w.pid) });
  assert.equal(p.name[0].family, 'Rivera');
  let bundle = await client.search({ resourceType: 'Observation',
    searchParams: { patient: `Patient/${w.pid}`, category: 'vital-signs', _count: 9 } });
  const total = bundle.total;
  assert.equal(total, VITALS);
  const ids = [];
  let pages = 0;
  while (bundle) {
    pages++;
    for (const e of bundle.entry || []) ids.push(e.resource.id);
    bundle = await client.nextPage({ bundle });
  }
  assert.equal(ids.length, total);
  assert.equal(pages, Math.ceil(total / 9));
  once(ids, 'fhir-kit-client');
  for (const type of ['Encounter', 'MedicationAdministration', 'QuestionnaireResponse']) {
    let b = await client.search({ resourceType: type, searchParams: { patient: `Patient/${w.pid}`, _count: 1 } });
    const seen = [];
    while (b) {
      for (const e of b.entry || []) seen.push(e.resource.id);
      b = await client.nextPage({ bundle: b });
    }
    assert.ok(seen.length > 0, type);
    once(seen, type);
  }
  const made = await client.create({ resourceType: 'Patient', body: newPatient('KIT-1') });
  assert.equal(made.identifier[0].value, 'KIT-1');
  const again = await client.read({ resourceType: 'Patient', id: made.id });
  assert.equal(again.id, made.id);
  const obs = await client.create({ resourceType: 'Observation', body: heartRate(71) });
  assert.equal(obs.valueQuantity.value, 71);
  await assert.rejects(client.read({ resourceType: 'Patient', id: '999999' }));
});

test('fhirclient (SMART): discovery, read, search, paging with pageLimit 0, create', async () => {
  const wellKnown = await fetchWellKnownJson(base);
  assert.ok(Array.isArray(wellKnown.capabilities));
  const sec = await getSecurityExtensions(base); // falls back to the CapabilityStatement
  assert.equal(sec.authorizeUri, '', 'no OAuth authorization server is claimed');
  const client = smart({}, {}).client({ serverUrl: base, tokenResponse: { access_token: w.nurseTok } });
  assert.equal(await client.getFhirVersion(), '4.0.1');
  const p = await client.request(`Patient/${w.pid}`);
  assert.equal(p.name[0].given[0], 'Ana');
  const pages = [];
  const all = await client.request(`Observation?patient=Patient/${w.pid}&category=vital-signs&_count=11`,
    { pageLimit: 0, flat: true, onPage: (page) => { pages.push(page); } });
  assert.ok(all == null, "with onPage the pages come one by one");
  const ids = pages.flat().map((r) => r.id);
  assert.equal(ids.length, VITALS);
  once(ids, 'fhirclient');
  const flat = await client.request(`AdverseEvent?subject=Patient/${w.pid}&_count=1`, { pageLimit: 0, flat: true });
  assert.equal(flat.length, 3);
  once(flat.map((r) => r.id), 'fhirclient AdverseEvent');
  const made = await client.create(heartRate(72));
  assert.equal(made.resourceType, 'Observation');
  assert.equal(made.valueQuantity.value, 72);
  const madeP = await client.create(newPatient('SMART-1'));
  assert.equal(madeP.identifier[0].value, 'SMART-1');
});

test('fhir.js: conformance, read, search, nextPage to the end, create', async () => {
  const client = mkFhir({ baseUrl: base, auth: { bearer: w.nurseTok } });
  const cs = await client.conformance({});
  assert.equal(cs.data.resourceType, 'CapabilityStatement');
  const p = await client.read({ type: 'Patient', id: String(w.pid) });
  assert.equal(p.data.identifier[0].value, 'F-1');
  let r = await client.search({ type: 'Observation', count: 13,
    query: { patient: `Patient/${w.pid}`, category: 'vital-signs' } });
  const total = r.data.total;
  assert.equal(total, VITALS);
  const ids = [];
  for (;;) {
    for (const e of r.data.entry || []) ids.push(e.resource.id);
    if (!(r.data.link || []).some((l) => l.relation === 'next')) break;
    r = await client.nextPage({ bundle: r.data });
  }
  assert.equal(ids.length, total);
  once(ids, 'fhir.js');
  const made = await client.create({ resource: newPatient('FHIRJS-1') });
  assert.equal(made.status, 201);
  assert.match(made.headers('location'), new RegExp(`^${base}/Patient/\\d+/_history/`));
  const obs = await client.create({ resource: heartRate(73) });
  assert.equal(obs.status, 201);
  await assert.rejects(client.read({ type: 'Patient', id: '999999' }));
});
