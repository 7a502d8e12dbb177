// test_rems.mjs — the SPRAVATO REMS monitoring form on the chair screen, in a real browser (Debian
// chromium, headless, playwright-core) against the real server with a fresh database: a patient
// enrolled in the REMS, a signed nasal esketamine plan, a session with the dose and BP readings
// recorded through the API; the nurse sees what the server filled and what is missing but cannot
// sign; the prescriber's sign with an answer left empty shows the server's 422, then signs and
// submits; the front desk cannot sign; an IV session has no REMS card.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../http/server_harness.mjs';
import { haveChromium, launch, loginAs, ready, shot, firstPage, logOut } from './browser_harness.mjs';

const skip = haveChromium() ? false : 'chromium is not installed (/usr/bin/chromium)';
let srv, ctx, page, pw;
const as = {};
const ids = {};

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const ok = (r, status = 201) => { assert.equal(r.status, status, JSON.stringify(r.json)); return r.json; };

async function patient(mrn, family) {
  const p = ok(await as.nurse.post('/api/patients', { mrn, family_name: family, given_name: 'Robin', birth_date: '1979-03-14', sex: 'female' }));
  ok(await as.nurse.post(`/api/patients/${p.id}/weights`, { weight_kg: 70, height_cm: 170 }));
  return p.id;
}

async function signedPlan(pid, plan) {
  const p = ok(await as.doc.post(`/api/patients/${pid}/plans`, { condition: 'trd', start_date: iso(Date.now()).slice(0, 10), ...plan }));
  ok(await as.doc.post(`/api/plans/${p.id}/sign`), 200);
}

async function startedSession(pid, chair, at) {
  const s = ok(await as.nurse.post('/api/sessions', { patient_id: pid, planned_at: iso(at), chair }));
  ok(await as.nurse.post(`/api/sessions/${s.id}/status`, { status: 'started', at: iso(at) }), 200);
  return s.id;
}

before(async () => {
  if (skip) return;
  srv = await startServer({ demo: true });
  pw = srv.demoPassword;
  for (const [k, user] of [['doc', 'prescriber'], ['nurse', 'nurse'], ['desk', 'frontdesk']]) {
    as[k] = new Client(srv.base);
    assert.equal((await as[k].login(user, pw)).status, 200);
  }
  // esketamine: enrolled in the REMS, a signed nasal plan, stock, a session two hours ago with
  // the dose 5 min after the start and BP before, at 40 min and before discharge
  ids.esk = await patient('R-1', 'Spray');
  ok(await as.doc.post(`/api/patients/${ids.esk}/rems-enrolment`, { enrolled_on: '2026-01-05', rems_id: 'REMS-4411' }));
  await signedPlan(ids.esk, { protocol: 'spravato-trd', route: 'nasal', fixed_mg: 56 });
  ok(await as.doc.post('/api/ledger', { kind: 'receipt', drug: 'esketamine', lot: 'LOT-ESK-9', location: 'safe-1', qty_mg: 1000, supplier: 'Acme, DEA RA1234563' }));
  const t0 = Date.now() - 150 * 60000, dose = t0 + 5 * 60000;
  ids.session = await startedSession(ids.esk, 'chair-7', t0);
  ok(await as.nurse.post(`/api/sessions/${ids.session}/doses`, { route: 'nasal', fixed_mg: 56, conc_mg_per_ml: 140, lot: 'LOT-ESK-9', location: 'safe-1', started_at: iso(dose) }));
  const obs = [];
  for (const [min, sys, dia] of [[-5, 128, 82], [40, 152, 90], [130, 126, 80]])
    for (const [code, value] of [['sbp', sys], ['dbp', dia], ['hr', 74], ['spo2', 98]]) obs.push({ at: iso(dose + min * 60000), code, value });
  ok(await as.nurse.post(`/api/sessions/${ids.session}/vitals`, { observations: obs }));
  // IV: a signed infusion plan and a running session
  ids.iv = await patient('R-2', 'Drip');
  await signedPlan(ids.iv, { protocol: 'iv-induction', route: 'iv', mg_per_kg: 0.5, duration_min: 40, conc_mg_per_ml: 1 });
  ids.ivSession = await startedSession(ids.iv, 'chair-8', Date.now() - 10 * 60000);

  ctx = await launch();
  page = await firstPage(ctx);
});
after(async () => { if (ctx) await ctx.close(); if (srv) await srv.stop(); });

const logout = () => logOut(page);
async function chair(sid) { await page.goto(`${srv.base}/sessions/${sid}`); await ready(page); }
const card = () => page.locator('[data-testid="rems"]');
// The value the card shows for a form field (each row names the field as the server does).
const cell = async (key) => card().getByRole('row').filter({ has: page.locator('td span.muted', { hasText: new RegExp(`^${key}$`) }) })
  .locator('td').nth(1).textContent();
const form = async () => ok(await as.nurse.get(`/api/sessions/${ids.session}/rems`), 200);

test('the nurse sees the form as the server filled it, and what is missing; a nurse cannot sign', { skip }, async () => {
  await loginAs(page, srv.base, 'nurse', pw);
  await chair(ids.session);
  await card().getByRole('heading', { name: 'SPRAVATO REMS monitoring form' }).waitFor();
  const f = await form();
  assert.equal(f.dose_mg, 56);
  assert.equal(await cell('dose_mg'), '56');
  assert.equal(await cell('lot'), 'LOT-ESK-9');
  assert.equal(await cell('enrolled'), 'yes');
  assert.equal(await cell('bp_pre'), '128/82 mmHg');
  assert.equal(await cell('bp_40'), '152/90 mmHg');
  assert.equal(await cell('bp_end'), '126/80 mmHg');
  assert.equal(await cell('benzodiazepines'), 'no');
  assert.equal(await cell('session_date'), f.session_date);
  // the session is still running: no end of monitoring yet, so the server names it missing
  assert.match(f.missing, /total_duration_min/);
  assert.equal(await card().locator('[data-testid="rems-missing"]').textContent(), f.missing);
  assert.match(await card().locator('[data-testid="rems-status"]').textContent(), /not signed/);
  assert.equal(await card().getByRole('button', { name: 'Sign REMS form' }).count(), 0, 'a nurse cannot sign');
  assert.match(await card().textContent(), /Your role cannot sign this form/);
  // the nurse ends the session: the end of monitoring comes from the record
  await page.getByRole('button', { name: /End infusion/ }).click();
  await page.getByRole('button', { name: /End infusion/ }).waitFor({ state: 'detached' });
  const g = await form();
  assert.equal(typeof g.total_duration_min, 'number');
  assert.doesNotMatch(g.missing, /total_duration_min/);
  await card().locator('[data-testid="rems-missing"]', { hasText: g.missing }).waitFor();
  assert.equal(await cell('total_duration_min'), String(g.total_duration_min));
  await logout();
});

test('the prescriber signs: an empty answer is refused by the server, then signed and submitted', { skip }, async () => {
  await loginAs(page, srv.base, 'prescriber', pw);
  await chair(ids.session);
  const c = card();
  await c.getByRole('button', { name: 'Sign REMS form' }).waitFor();
  const unlabelled = await c.locator('input, select, textarea').evaluateAll((els) => els.filter((el) => !(el.labels && el.labels.length)).map((el) => el.name));
  assert.deepEqual(unlabelled, [], 'every answer has its label');
  await c.getByLabel('Vital signs acceptable before dosing', { exact: true }).selectOption('yes');
  await c.getByLabel('Ready to leave (min after the first device)', { exact: true }).fill('120');
  await c.getByLabel('Monitoring health-care provider', { exact: true }).fill('Dr Reyes');
  await c.getByRole('button', { name: 'Sign REMS form' }).click();
  const alert = c.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /^REMS Patient Monitoring Form incomplete, 1 required field empty: vitals_ok_end$/);
  assert.match(await c.locator('[data-testid="rems-status"]').textContent(), /not signed/);
  await shot(page, 'session-rems-refused');
  await c.getByLabel('Vital signs acceptable at the end', { exact: true }).selectOption('yes');
  await c.getByRole('button', { name: 'Sign REMS form' }).focus(); // from the keyboard
  await page.keyboard.press('Enter');
  await c.locator('[data-testid="rems-status"]', { hasText: /Signed.*not yet submitted/ }).waitFor();
  assert.equal(await c.locator('[data-testid="rems-missing"]').count(), 0);
  assert.equal(await cell('monitoring_hcp'), 'Dr Reyes', 'the answers as signed');
  assert.equal(await cell('vitals_ok_end'), 'yes');
  assert.equal(await cell('ready_to_leave_min'), '120');
  assert.equal(await c.getByRole('button', { name: 'Sign REMS form' }).count(), 0, 'signed once');
  const signed = ok(await as.nurse.get('/api/rems/tracker'), 200).forms.find((t) => t.session_id === ids.session);
  assert.ok(signed.signed_at, JSON.stringify(signed));
  assert.equal(signed.submitted_at, null);
  assert.match(await c.locator('[data-testid="rems-status"]').textContent(), new RegExp(`due ${signed.due} \\(${signed.state}\\)`));
  await c.getByRole('button', { name: 'Submit to the REMS' }).click();
  await c.locator('[data-testid="rems-status"]', { hasText: /Submitted to the REMS/ }).waitFor();
  const done = ok(await as.nurse.get('/api/rems/tracker'), 200).forms.find((t) => t.session_id === ids.session);
  assert.ok(done.submitted_at);
  assert.equal(done.state, 'submitted');
  assert.match(await c.locator('[data-testid="rems-status"]').textContent(), /Submitted to the REMS .*\(submitted\)/);
  assert.equal(await c.getByRole('button', { name: 'Submit to the REMS' }).count(), 0);
  assert.equal(await cell('monitoring_hcp'), 'Dr Reyes');
  await shot(page, 'session-rems');
  // after a reload the server serves the copy as signed: the answers, who signed and submitted
  await chair(ids.session);
  await c.locator('[data-testid="rems-status"]', { hasText: /Submitted to the REMS/ }).waitFor();
  assert.match(await c.locator('[data-testid="rems-status"]').textContent(), /Submitted to the REMS .* by prescriber .*signed .* by prescriber\./);
  assert.equal(await cell('monitoring_hcp'), 'Dr Reyes', 'the signed answers, not the record rebuilt');
  assert.equal(await cell('ready_to_leave_min'), '120');
  assert.equal(await c.getByRole('columnheader', { name: 'As signed' }).count(), 1);
  assert.equal(await c.getByRole('button', { name: /Sign REMS form|Submit to the REMS/ }).count(), 0);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await c.locator('table').isVisible(), true, 'the form prints with the session record');
  assert.equal(await cell('dose_mg'), '56');
  await page.emulateMedia({ media: 'screen' });
  await logout();
});

test('the front desk cannot sign', { skip }, async () => {
  await loginAs(page, srv.base, 'frontdesk', pw);
  await chair(ids.session);
  assert.equal(await page.locator('h1').textContent(), 'Not available for your role');
  assert.equal(await page.getByRole('button', { name: 'Sign REMS form' }).count(), 0);
  const r = await as.desk.post(`/api/sessions/${ids.session}/rems/sign`, { vitals_ok_pre: true });
  assert.equal(r.status, 403, JSON.stringify(r.json));
  await logout();
});

test('an IV session has no REMS card', { skip }, async () => {
  await loginAs(page, srv.base, 'nurse', pw);
  await chair(ids.ivSession);
  await page.getByRole('heading', { name: 'Dose and pump' }).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'SPRAVATO REMS monitoring form' }).count(), 0);
  assert.equal(await card().count(), 0);
  await logout();
});

test('nothing on these pages was blocked by the Content-Security-Policy', { skip }, () => {
  assert.deepEqual(ctx.cspViolations, []);
});
