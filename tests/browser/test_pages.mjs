// test_pages.mjs — the other journeys in a real browser against the real server (demo data, fresh
// database): a PHQ-9 entered and seen on the trajectory; a ledger receipt and a witnessed waste;
// the front desk kept out of session notes; outcomes and the audit log; and the first load of
// every main page, measured and written to tests/browser/screenshots/first-load.json (reported,
// not asserted: no timed assertions in this project).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client } from '../http/server_harness.mjs';
import { haveChromium, launch, loginAs, ready, shot, firstLoad, SHOTS, firstPage, logOut } from './browser_harness.mjs';

const skip = haveChromium() ? false : 'chromium is not installed (/usr/bin/chromium)';
let srv, ctx, page, pw, api;
const L = (text) => page.getByLabel(text, { exact: true });

before(async () => {
  if (skip) return;
  srv = await startServer({ demo: true });
  pw = srv.demoPassword;
  api = new Client(srv.base);
  assert.equal((await api.login('nurse', pw)).status, 200);
  ctx = await launch();
  page = await firstPage(ctx);
});
after(async () => { if (ctx) await ctx.close(); if (srv) await srv.stop(); });
const logout = () => logOut(page);

async function newPatient(mrn) {
  const r = await api.post('/api/patients', { mrn, family_name: 'Trajectory', given_name: 'Tess', birth_date: '1990-02-02', sex: 'female' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.id;
}

test('a nurse enters PHQ-9s and sees the trajectory with response judged by the server', { skip }, async () => {
  const id = await newPatient('T-200');
  await loginAs(page, srv.base, 'nurse', pw);
  const enter = async (answers) => {
    await page.goto(`${srv.base}/patients/${id}`);
    await ready(page);
    for (let i = 0; i < 9; i++) await page.locator(`select[name="q${i}"]`).selectOption(String(answers[i]));
    await page.getByRole('button', { name: 'Save PHQ-9' }).click();
    await page.waitForLoadState();
    await ready(page);
  };
  await enter([3, 3, 2, 2, 2, 2, 2, 2, 1]); // total 19, item 9 (self-harm thoughts) answered
  assert.match(await page.locator('main .alarm[role="alert"]').textContent(), /^Safety alert/);
  await enter([1, 1, 1, 1, 1, 1, 1, 1, 0]); // total 8: 58% below baseline
  const card = page.locator('section', { has: page.getByRole('heading', { name: 'Score trajectories' }) });
  await card.locator('.u-wrap').waitFor();
  const rows = card.locator('table:not(.u-legend) tbody tr');
  await rows.nth(1).waitFor();
  assert.equal(await rows.count(), 2);
  const cells = async (i) => (await rows.nth(i).locator('td').allTextContents()).slice(1);
  assert.deepEqual(await cells(0), ['19', '0% from 19', '—', '—']);
  assert.deepEqual(await cells(1), ['8', '58% from 19', 'response', '—']);
  // PHQ-9 lines against baseline 19: response is a drop >= 50% (total <= 9), remission < 5
  // (Kroenke, J Gen Intern Med 2001; clinical.md s5), as judged by the server
  const legend = await card.locator('.u-legend').first().textContent();
  assert.match(legend, /baseline 19.*response ≤ 9.*remission ≤ 4/);
  await shot(page, 'patient-trajectory');
  await logout();
});

test('a nurse records a ledger receipt and a waste witnessed by a prescriber', { skip }, async () => {
  await loginAs(page, srv.base, 'nurse', pw);
  await page.goto(`${srv.base}/ledger`);
  await ready(page);
  const receipt = page.locator('form[data-kind="receipt"]');
  await receipt.getByLabel('Lot', { exact: true }).fill('LOT-T1');
  await receipt.getByLabel('Quantity (mg)').fill('500');
  await receipt.getByLabel('Supplier and DEA number').fill('Acme Pharma, DEA RA1234563');
  await receipt.getByRole('button', { name: 'Record receipt' }).click();
  const balance = page.locator('section', { has: page.getByRole('heading', { name: /Balances/ }) }).getByRole('row').filter({ hasText: 'LOT-T1' });
  await balance.waitFor();
  assert.match(await balance.textContent(), /500 mg/);
  const waste = page.locator('form[data-kind="waste"]');
  const fillWaste = async (witnessPw) => {
    await waste.getByLabel('Lot', { exact: true }).fill('LOT-T1');
    await waste.getByLabel('Quantity (mg)').fill('12.5');
    await waste.getByLabel('Witness (user name)').fill('prescriber');
    await waste.getByLabel('Witness password').fill(witnessPw);
    await waste.getByRole('button', { name: 'Record witnessed waste' }).click();
  };
  await fillWaste('not the witness password');
  await waste.getByRole('alert').waitFor();
  assert.match(await waste.getByRole('alert').textContent(), /witness 'prescriber' could not be confirmed/);
  assert.match(await balance.textContent(), /500 mg/, 'nothing recorded without the witness');
  await fillWaste(pw);
  await page.waitForFunction(() => /487\.5 mg/.test(document.body.textContent));
  const entry = page.locator('section', { has: page.getByRole('heading', { name: 'Entries' }) }).getByRole('row').filter({ hasText: 'waste' });
  assert.match(await entry.textContent(), /waste.*LOT-T1.*12\.5 mg.*nurse.*prescriber.*487\.5 mg/);
  await shot(page, 'ledger');
  await logout();
});

test('the front desk cannot open session notes', { skip }, async () => {
  await loginAs(page, srv.base, 'frontdesk', pw);
  const { json } = await api.get('/api/sessions?patient_id=1');
  const sid = json.sessions[0].id;
  await page.goto(`${srv.base}/patients/1`);
  await ready(page);
  assert.equal(await page.getByRole('link', { name: 'Session record' }).count(), 0);
  assert.equal(await page.getByRole('link', { name: 'Intake & screening' }).count(), 0);
  await page.goto(`${srv.base}/sessions/${sid}`);
  await ready(page);
  assert.equal(await page.locator('h1').textContent(), 'Not available for your role');
  assert.equal(await page.getByText('Side effects').count(), 0);
  await shot(page, 'frontdesk-denied');
  // the front desk keeps the account: a payment on a patient without charges
  await page.goto(`${srv.base}/billing`);
  await ready(page);
  await page.getByLabel('Find the patient (MRN or name)').fill('DEMO-002');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: 'Chen, Sam' }).click();
  await page.waitForURL(/\/billing\?patient=\d+$/);
  await ready(page);
  await page.getByLabel('Amount ($)').fill('25.50');
  await page.getByRole('button', { name: 'Record payment' }).click();
  await page.getByRole('cell', { name: 'payment' }).waitFor();
  assert.equal(await page.locator('[data-testid="balance"] b').textContent(), '−$25.50');
  await page.getByLabel('Amount ($)').fill('12.345');
  await page.getByRole('button', { name: 'Record payment' }).click();
  assert.equal(await page.getByRole('cell', { name: 'payment' }).count(), 1, 'a malformed amount records nothing');
  await shot(page, 'billing');
  await logout();
});

test('outcomes show the clinic beside the benchmarks; the audit log is searchable', { skip }, async () => {
  await loginAs(page, srv.base, 'prescriber', pw);
  await page.goto(`${srv.base}/outcomes`);
  await ready(page);
  const clinic = page.locator('section', { has: page.getByRole('heading', { name: 'This clinic' }) });
  assert.match(await clinic.locator('tbody').textContent(), /phq9/);
  const bench = page.locator('section', { has: page.getByRole('heading', { name: 'Published benchmarks' }) });
  assert.ok(await bench.locator('tbody tr').count() >= 3);
  await shot(page, 'outcomes');
  await logout();
  await loginAs(page, srv.base, 'admin', srv.adminPassword);
  await page.goto(`${srv.base}/admin`);
  await ready(page);
  assert.match(await page.locator('section', { has: page.getByRole('heading', { name: 'Staff and roles' }) }).textContent(), /frontdesk.*front-desk/);
  await L('Search the audit log (user, action, record, detail)').fill('Encounter');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/q=Encounter/);
  await ready(page);
  await page.getByText(/matching of the latest/).waitFor();
  const rows = await page.locator('section', { has: page.getByRole('heading', { name: 'Audit log' }) }).locator('tbody tr').allTextContents();
  assert.ok(rows.length >= 1 && rows.every((r) => /Encounter/.test(r)), `only matching entries: ${rows.length}`);
  await shot(page, 'admin');
  await logout();
});

test('first load of each main page (reported)', { skip }, async (t) => {
  await loginAs(page, srv.base, 'prescriber', pw);
  const pages = ['/', '/patients', '/patients/1', '/patients/1/intake', '/patients/1/plan', '/sessions/1', '/outcomes', '/ledger', '/billing?patient=1', '/admin'];
  const ms = {};
  for (const p of pages) {
    if (p === '/admin') { // the admin page as the admin
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL(/\/login$/);
      await loginAs(page, srv.base, 'admin', srv.adminPassword);
    }
    await firstLoad(page, srv.base + p); // warm the server's caches once
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await firstLoad(page, srv.base + p));
    runs.sort((a, b) => a - b);
    ms[p] = { min: Math.round(runs[0]), median: Math.round(runs[2]), max: Math.round(runs[4]) };
    if (p === '/') await shot(page, 'today');
  }
  writeFileSync(join(SHOTS, 'first-load.json'), JSON.stringify(ms, null, 2));
  t.diagnostic(`first load (ms from navigation to data shown; 5 loads each): ${JSON.stringify(ms)}`);
  assert.equal(Object.keys(ms).length, pages.length);
  await logout();
});

test('nothing on these pages was blocked by the Content-Security-Policy', { skip }, () => {
  assert.deepEqual(ctx.cspViolations, []);
});
