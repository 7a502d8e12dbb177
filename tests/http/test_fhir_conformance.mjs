// test_fhir_conformance.mjs — the FHIR face against FHIR R4 http.html and search.html, through
// the real server: the public CapabilityStatement (no patient data, cpb-14) and SMART discovery
// document; OperationOutcome and application/fhir+json for every error, with WWW-Authenticate
// on 401 and Allow on 405; 406 for XML; absolute URLs (--public-url or Host); Bundle.total and
// paging that ends; unknown parameters refused unless lenient; date prefixes and precision;
// tokens, :missing, _summary=count; ETag / If-None-Match / vread; every declared search
// parameter answers; Patient create/update (conditional, by identifier) and Observation create,
// each role-checked and audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startServer, Client } from './server_harness.mjs';
import { seed, PW } from './fhir_seed.mjs';

const require = createRequire(import.meta.url);
const { Fhir } = require('fhir');
const fhir = new Fhir();
const FHIR_JSON = 'application/fhir+json';

let srv, w, api;

function valid(res, what) {
  const v = fhir.validate(res);
  assert.ok(v.valid, `${what} is not valid FHIR R4: ${JSON.stringify(v.messages)}`);
}

function outcome(r, status, what) {
  assert.equal(r.status, status, `${what}: ${r.text}`);
  assert.equal(r.headers.get('content-type'), FHIR_JSON, what);
  assert.equal(r.json.resourceType, 'OperationOutcome', what);
  valid(r.json, what);
}

// Bearer-token client for /fhir (the cookie client of the harness otherwise)
function bearer(tok) {
  const c = new Client(srv.base);
  c.bearer = tok;
  return c;
}

before(async () => {
  srv = await startServer({ extra: ['--max-body', '65536'] });
  w = await seed(srv);
  api = bearer(w.readTok);
});
after(async () => { if (srv) await srv.stop(); });

test('the CapabilityStatement is public, valid, holds no patient data and meets cpb-14', async () => {
  const r = await fetch(`${srv.base}/fhir/metadata`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), FHIR_JSON);
  const cs = await r.json();
  valid(cs, 'CapabilityStatement');
  const text = JSON.stringify(cs);
  for (const s of ['Rivera', 'F-1', '1975-02-03']) assert.ok(!text.includes(s), `patient data in metadata: ${s}`);
  // cpb-14: kind = instance needs implementation
  assert.equal(cs.kind, 'instance');
  assert.equal(cs.implementation.url, `${srv.base}/fhir`);
  assert.equal(cs.fhirVersion, '4.0.1');
  for (const path of ['/.well-known/smart-configuration', '/fhir/.well-known/smart-configuration']) {
    const s = await fetch(srv.base + path);
    assert.equal(s.status, 200, path);
    const d = await s.json();
    assert.ok(Array.isArray(d.capabilities), path);
  }
});

test('every /fhir error is an OperationOutcome with the right status and headers', async () => {
  const anon = new Client(srv.base);
  const r401 = await anon.get('/fhir/Patient');
  outcome(r401, 401, '401');
  assert.match(r401.headers.get('www-authenticate'), /^Bearer /);
  outcome(await bearer('not-a-token').get(`/fhir/Patient/${w.pid}`), 401, 'bad token');
  const fd = new Client(srv.base);
  await fd.login('fd', PW);
  outcome(await fd.get(`/fhir/Encounter?patient=Patient/${w.pid}`), 403, 'front desk reads sessions');
  outcome(await fd.get(`/fhir/Observation/v1`), 403, 'front desk reads a vital sign');
  // a search returns only the parts the role may read: the front desk sees weights, not vitals
  const mixed = await fd.get(`/fhir/Observation?patient=Patient/${w.pid}`);
  assert.equal(mixed.status, 200);
  assert.ok(mixed.json.entry.every((e) => e.resource.code.coding[0].code === '29463-7'), 'weights only');
  outcome(await api.get('/fhir/Foo'), 404, 'unknown type');
  outcome(await api.get('/fhir/Patient/999999'), 404, 'unknown id');
  outcome(await api.get('/fhir/Observation/x12'), 404, 'malformed id');
  const r405 = await api.req('DELETE', `/fhir/Patient/${w.pid}`);
  outcome(r405, 405, '405');
  assert.deepEqual(r405.headers.get('allow').split(', ').sort(), ['GET', 'PUT']);
  const r405b = await api.post('/fhir/Encounter', { resourceType: 'Encounter' });
  outcome(r405b, 405, 'POST Encounter');
  assert.equal(r405b.headers.get('allow'), 'GET');
  outcome(await api.post('/fhir/Patient', 'x'.repeat(70000)), 413, 'too large');
  outcome(await api.get('/fhir/Patient?_format=xml'), 406, '_format=xml');
  outcome(await api.get('/fhir/Patient', { Accept: 'application/fhir+xml' }), 406, 'Accept xml');
  assert.equal((await api.get('/fhir/Patient', { Accept: 'application/fhir+json' })).status, 200);
  assert.equal((await api.get('/fhir/Patient?_format=json')).status, 200);
  outcome(await api.post('/fhir/Patient', '{"resourceType":'), 400, 'malformed JSON');
});

test('URLs are absolute: from the Host header, or from --public-url', async () => {
  const b = (await api.get('/fhir/Patient')).json;
  for (const e of b.entry) assert.equal(e.fullUrl, `${srv.base}/fhir/Patient/${e.resource.id}`);
  for (const l of b.link) assert.ok(l.url.startsWith(`${srv.base}/fhir/Patient?`), l.url);
  const other = await startServer({ dir: srv.dir, extra: ['--public-url', 'https://clinic.example.org/kc'] });
  try {
    const c = new Client(other.base);
    c.bearer = w.readTok;
    const o = (await c.get('/fhir/Patient?_count=1')).json;
    assert.equal(o.entry[0].fullUrl, `https://clinic.example.org/kc/fhir/Patient/${o.entry[0].resource.id}`);
    assert.equal(o.link.find((l) => l.relation === 'next').url,
      'https://clinic.example.org/kc/fhir/Patient?_count=1&_offset=1');
  } finally {
    await other.stop();
  }
});

async function walk(c, first) {
  const seen = [], pages = [];
  let url = first;
  for (let i = 0; url && i < 500; i++) {
    const r = await c.get(url.startsWith('http') ? url.slice(srv.base.length) : url);
    assert.equal(r.status, 200, r.text);
    pages.push(r.json);
    for (const e of r.json.entry || []) seen.push(e.resource);
    url = (r.json.link.find((l) => l.relation === 'next') || {}).url;
  }
  assert.equal(url, undefined, 'paging ended');
  return { seen, pages };
}

test('paging carries the query, gives Bundle.total and ends, for every type', async () => {
  const cases = [
    [`/fhir/Encounter?patient=Patient/${w.pid}&_count=1`, 2],
    [`/fhir/MedicationAdministration?patient=Patient/${w.pid}&_count=1`, 3],
    [`/fhir/AdverseEvent?subject=Patient/${w.pid}&_count=2`, 3],
    [`/fhir/QuestionnaireResponse?patient=Patient/${w.pid}&_count=3`, 4],
    [`/fhir/Observation?patient=Patient/${w.pid}&category=survey&_count=1`, 4],
    [`/fhir/Observation?patient=Patient/${w.pid}&category=vital-signs&_count=7`, 25 * 4 + 2],
    ['/fhir/Patient?_count=1', 2],
    ['/fhir/Questionnaire?_count=4', null],
  ];
  for (const [url, want] of cases) {
    const { seen, pages } = await walk(api, url);
    const total = pages[0].total;
    if (want !== null) assert.equal(total, want, url);
    assert.equal(seen.length, total, `${url}: every match once`);
    assert.equal(new Set(seen.map((r) => r.id)).size, seen.length, `${url}: no repeats`);
    for (const p of pages) assert.equal(p.total, total, `${url}: total is stable`);
    if (url.includes('category=survey')) assert.ok(seen.every((o) => o.category[0].coding[0].code === 'survey'), 'survey stays survey');
    const q = new URL(pages[pages.length - 1].link.find((l) => l.relation === 'self').url);
    for (const [k, v] of new URL(srv.base + url).searchParams) assert.equal(q.searchParams.get(k), v, `${url}: self keeps ${k}`);
  }
  // _count above the maximum is lowered to it (as HAPI FHIR does)
  const big = await api.get(`/fhir/Observation?patient=Patient/${w.pid}&_count=100000`);
  assert.equal(big.json.entry.length, 200 > big.json.total ? big.json.total : 200);
  assert.match(big.json.link.find((l) => l.relation === 'self').url, /_count=200/);
  outcome(await api.get('/fhir/Patient?_count=-1'), 400, 'negative _count');
});

test('unknown parameters are refused unless Prefer: handling=lenient', async () => {
  const fam = await api.get('/fhir/Patient?family=Rivera');
  assert.equal(fam.json.total, 1);
  assert.equal(fam.json.entry[0].resource.name[0].family, 'Rivera');
  outcome(await api.get('/fhir/Patient?surname=Rivera'), 400, 'unknown parameter');
  outcome(await api.get('/fhir/Patient?family:contains=Riv'), 400, 'unknown modifier');
  const len = await api.get('/fhir/Patient?surname=Rivera&gender=female', { Prefer: 'handling=lenient' });
  assert.equal(len.status, 200);
  assert.equal(len.json.total, 1);
  const self = len.json.link.find((l) => l.relation === 'self').url;
  assert.ok(!self.includes('surname') && self.includes('gender=female'), self);
});

test('date prefixes and precision follow search.html; repeated dates make a range', async () => {
  const n = async (q) => (await api.get(`/fhir/Observation?patient=Patient/${w.pid}&code=http://loinc.org|8867-4&${q}`)).json.total;
  assert.equal(await n('date=2026-12-01'), 25);
  assert.equal(await n('date=eq2026-12'), 25);
  assert.equal(await n('date=2026-12-02'), 0);
  assert.equal(await n('date=gt2026-12-01'), 0);
  assert.equal(await n('date=ge2026-12-01'), 25);
  assert.equal(await n('date=lt2026-12-01'), 0);
  assert.equal(await n('date=le2026-12-01'), 25);
  assert.equal(await n('date=ne2026-12-01'), 0);
  assert.equal(await n('date=gt2026-12-01T09:30:00Z'), 4);     // 09:31..09:34
  assert.equal(await n('date=ge2026-12-01T09:30:00Z'), 5);
  assert.equal(await n('date=lt2026-12-01T09:12:00Z'), 2);     // 09:10, 09:11
  assert.equal(await n('date=le2026-12-01T09:12Z'), 3);        // minute precision
  assert.equal(await n('date=ge2026-12-01T09:15:00Z&date=lt2026-12-01T09:20:00Z'), 5);
  assert.equal(await n('date=sa2026-12-01T09:33:00Z'), 1);
  assert.equal(await n('date=eb2026-12-01T09:11:00Z'), 1);
  assert.equal(await n('date=2026-12-01T10:15:00%2B01:00'), 1); // a zone
  outcome(await api.get(`/fhir/Observation?patient=Patient/${w.pid}&date=xx2026`), 400, 'bad date');
  outcome(await api.get(`/fhir/Observation?patient=Patient/${w.pid}&date=2026-02-30`), 400, 'impossible date');
});

test('tokens with system|code, :missing and _summary=count', async () => {
  const t = async (q) => (await api.get(`/fhir/Observation?patient=Patient/${w.pid}&${q}`)).json.total;
  const cat = 'http://terminology.hl7.org/CodeSystem/observation-category';
  assert.equal(await t(`category=${encodeURIComponent(`${cat}|survey`)}`), 4);
  assert.equal(await t('category=http://example.org|survey'), 0);
  assert.equal(await t('code=http://loinc.org|44261-6'), 2);            // PHQ-9 total, twice
  assert.equal(await t('code=44261-6,70274-6'), 3);                      // OR
  assert.equal(await t('code=http://loinc.org|85354-9'), 25);            // BP panels
  assert.equal(await t('code=http://loinc.org|2708-6'), 25);
  assert.equal(await t('code=http://loinc.org|59408-5'), 25);
  assert.equal(await t('code=http://loinc.org|29463-7'), 2);             // weights
  assert.equal(await t('encounter:missing=true'), 2);                    // the weights
  assert.equal(await t('encounter:missing=false'), 25 * 4 + 4);
  const c = await api.get(`/fhir/Observation?patient=Patient/${w.pid}&_summary=count`);
  assert.equal(c.json.total, 25 * 4 + 2 + 4);
  assert.equal(c.json.entry, undefined);
  valid(c.json, '_summary=count');
  const ident = await api.get('/fhir/Patient?identifier=urn:ketaclinic:mrn|F-2');
  assert.equal(ident.json.total, 1);
  assert.equal((await api.get('/fhir/Patient?identifier=urn:other|F-2')).json.total, 0);
});

test('ETag, If-None-Match (304) and vread of the version the ETag names', async () => {
  const r = await api.get(`/fhir/Patient/${w.pid}`);
  const etag = r.headers.get('etag');
  assert.equal(etag, `W/"${r.json.meta.versionId}"`);
  const again = await api.get(`/fhir/Patient/${w.pid}`, { 'If-None-Match': etag });
  assert.equal(again.status, 304);
  assert.equal(again.text, '');
  const v = await api.get(`/fhir/Patient/${w.pid}/_history/${r.json.meta.versionId}`);
  assert.equal(v.status, 200);
  assert.deepEqual(v.json, r.json);
  outcome(await api.get(`/fhir/Patient/${w.pid}/_history/0000`), 404, 'unknown version');
});

test('every search parameter the CapabilityStatement declares answers', async () => {
  const cs = (await api.get('/fhir/metadata')).json;
  const sample = { token: 'x', date: 'ge2000-01-01', reference: `Patient/${w.pid}`, string: 'R' };
  const a = bearer(w.auditTok);
  for (const res of cs.rest[0].resource) {
    for (const p of res.searchParam || []) {
      const needsPatient = !['Patient', 'Questionnaire', 'AuditEvent'].includes(res.type) &&
        !['patient', 'subject'].includes(p.name);
      const subj = res.type === 'AdverseEvent' ? 'subject' : 'patient';
      const value = p.type === 'reference' && !['patient', 'subject'].includes(p.name) ? `Encounter/${w.sid}` : sample[p.type];
      const q = `${p.name}=${encodeURIComponent(value)}${needsPatient ? `&${subj}=Patient/${w.pid}` : ''}`;
      const r = await (res.type === 'AuditEvent' ? a : api).get(`/fhir/${res.type}?${q}`);
      assert.equal(r.status, 200, `${res.type}?${q}: ${r.text}`);
      valid(r.json, `${res.type}?${q}`);
    }
    // and nothing undeclared is taken
    outcome(await api.get(`/fhir/${res.type}?undeclared-param=1`), 400, `${res.type} undeclared`);
  }
});

test('Patient from an EHR: create, conditional create, update by identifier; no duplicates; audited', async () => {
  const fd = new Client(srv.base);
  await fd.login('fd', PW);
  const body = { resourceType: 'Patient',
    identifier: [{ system: 'urn:ketaclinic:mrn', value: 'EHR-77' }, { system: 'http://ehr.example/id', value: '9' }],
    name: [{ use: 'official', family: 'Okafor', given: ['Chi', 'Ada'] }], gender: 'male', birthDate: '1980-04-30',
    telecom: [{ system: 'phone', value: '555-0199' }] };
  const c1 = await fd.post('/fhir/Patient', body);
  assert.equal(c1.status, 201, c1.text);
  valid(c1.json, 'created Patient');
  assert.equal(c1.json.name[0].given[0], 'Chi Ada');
  const loc = c1.headers.get('location');
  assert.equal(loc, `${srv.base}/fhir/Patient/${c1.json.id}/_history/${c1.json.meta.versionId}`);
  assert.equal((await fd.get(loc.slice(srv.base.length))).status, 200, 'Location resolves');
  outcome(await fd.post('/fhir/Patient', body), 409, 'same MRN again');
  const cond = await fd.post('/fhir/Patient', body, { 'If-None-Exist': 'identifier=urn:ketaclinic:mrn|EHR-77' });
  assert.equal(cond.status, 200);
  assert.equal(cond.json.id, c1.json.id);
  const newer = { ...body, telecom: [{ system: 'phone', value: '555-0200' }] };
  const u = await fd.req('PUT', '/fhir/Patient?identifier=urn:ketaclinic:mrn|EHR-77', newer);
  assert.equal(u.status, 200, u.text);
  assert.equal(u.json.id, c1.json.id);
  assert.equal(u.json.telecom[0].value, '555-0200');
  assert.notEqual(u.json.meta.versionId, c1.json.meta.versionId);
  outcome(await fd.req('PUT', `/fhir/Patient/${c1.json.id}`, { ...newer, id: c1.json.id },
    { 'If-Match': `W/"${c1.json.meta.versionId}"` }), 412, 'stale If-Match');
  const byId = await fd.req('PUT', `/fhir/Patient/${c1.json.id}`, { ...newer, id: c1.json.id, gender: 'other' },
    { 'If-Match': `W/"${u.json.meta.versionId}"` });
  assert.equal(byId.status, 200, byId.text);
  assert.equal(byId.json.gender, 'other');
  const made = await fd.req('PUT', '/fhir/Patient?identifier=urn:ketaclinic:mrn|EHR-78',
    { ...body, identifier: [{ system: 'urn:ketaclinic:mrn', value: 'EHR-78' }] });
  assert.equal(made.status, 201, 'conditional update creates when nothing matches');
  const all = await api.get('/fhir/Patient?identifier=urn:ketaclinic:mrn|EHR-77');
  assert.equal(all.json.total, 1, 'no duplicate');
  outcome(await fd.post('/fhir/Patient', { resourceType: 'Patient', name: [{ family: 'X' }], birthDate: '1980-01-01' }), 422, 'no MRN');
  outcome(await fd.post('/fhir/Patient', { ...body, deceasedBoolean: false }), 422, 'element not kept');
  outcome(await bearer(w.auditTok).post('/fhir/Patient', body), 403, 'auditor writes');
  const log = [];
  for (let after = 0; ;) {
    const page = (await w.admin.get(`/api/audit?after=${after}&limit=1000`)).json.entries;
    if (!page.length) break;
    log.push(...page);
    after = page[page.length - 1].seq;
  }
  const mine = log.filter((e) => e.resource_type === 'Patient' && e.resource_id === c1.json.id && e.user === 'fd');
  assert.ok(mine.some((e) => e.action === 'create' && e.outcome === 'success'), 'create audited');
  assert.ok(mine.filter((e) => e.action === 'update' && e.outcome === 'success').length >= 2, 'updates audited');
});

test('Observation create for outside results: a BP panel, a vital sign, a weight', async () => {
  const nt = bearer(w.nurseTok);
  const cat = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }];
  const bp = await nt.post('/fhir/Observation', { resourceType: 'Observation', status: 'final', category: cat,
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] }, subject: { reference: `Patient/${w.pid}` },
    encounter: { reference: `Encounter/${w.sid2}` }, effectiveDateTime: '2026-12-03T09:15:00Z',
    component: [
      { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 131, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
      { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: 84, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } }] });
  assert.equal(bp.status, 201, bp.text);
  valid(bp.json, 'created BP');
  assert.equal(bp.json.component[1].valueQuantity.value, 84);
  assert.equal((await nt.get(bp.headers.get('location').slice(srv.base.length))).status, 200);
  const wt = await nt.post('/fhir/Observation', { resourceType: 'Observation', status: 'final', category: cat,
    code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] }, subject: { reference: `Patient/${w.pid}` },
    effectiveDateTime: '2026-12-03T08:00:00Z', valueQuantity: { value: 72, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' } });
  assert.equal(wt.status, 201, wt.text);
  assert.match(wt.json.id, /^w\d+$/);
  outcome(await nt.post('/fhir/Observation', { resourceType: 'Observation', status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] }, encounter: { reference: `Encounter/${w.sid2}` },
    effectiveDateTime: '2026-12-03T09:16:00Z', component: [] }), 422, 'panel without components');
  outcome(await nt.post('/fhir/Observation', { resourceType: 'Observation', status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '2345-7' }] }, encounter: { reference: `Encounter/${w.sid2}` },
    effectiveDateTime: '2026-12-03T09:16:00Z', valueQuantity: { value: 5 } }), 422, 'a code the clinic does not keep');
  const fd = new Client(srv.base);
  await fd.login('fd', PW);
  outcome(await fd.post('/fhir/Observation', { resourceType: 'Observation', status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, encounter: { reference: `Encounter/${w.sid2}` },
    effectiveDateTime: '2026-12-03T09:16:00Z', valueQuantity: { value: 70, code: '/min' } }), 403, 'front desk writes vitals');
});
