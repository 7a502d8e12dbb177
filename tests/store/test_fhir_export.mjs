// test_fhir_export.mjs — the patient Bundle made by fhir_export_patient (src/fhir), checked by a real
// FHIR R4 peer from npm: the `fhir` package's validator accepts the Bundle and every resource in it.
// The Bundle comes from the store suite (tests/unit/test_store.c writes it where KC_FHIR_OUT says).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';

const require = createRequire(import.meta.url);
const { Fhir } = require('fhir');
const fhir = new Fhir();

test('the patient Bundle and each of its resources validate as FHIR R4', () => {
  const suite = join(dirname(process.env.KC_BIN), 'tests', 'test_store');
  const dir = mkdtempSync(join(tmpdir(), 'kc-fhir-'));
  const out = join(dir, 'bundle.json');
  try {
    execFileSync(suite, [], { env: { ...process.env, KC_FHIR_OUT: out, KC_TEST_DB: '' }, stdio: 'ignore' });
    const bundle = JSON.parse(readFileSync(out, 'utf8'));
    const v = fhir.validate(bundle);
    assert.ok(v.valid, `Bundle is not valid FHIR R4: ${JSON.stringify(v.messages)}`);
    const types = bundle.entry.map((e) => e.resource.resourceType).sort();
    assert.deepEqual([...new Set(types)], ['Encounter', 'MedicationAdministration', 'Observation', 'Patient', 'QuestionnaireResponse']);
    for (const e of bundle.entry) {
      const r = fhir.validate(e.resource);
      assert.ok(r.valid, `${e.resource.resourceType}/${e.resource.id}: ${JSON.stringify(r.messages)}`);
      assert.match(e.fullUrl, /^urn:uuid:[0-9a-f-]{36}$/);
    }
    const urls = new Set(bundle.entry.map((e) => e.fullUrl));
    for (const e of bundle.entry) {
      for (const k of ['subject', 'encounter', 'context']) {
        if (e.resource[k]) assert.ok(urls.has(e.resource[k].reference), `${k} ${e.resource[k].reference} dangles`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
