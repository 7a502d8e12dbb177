// test_journeys.mjs — the clinic's main journeys in a real browser (Debian chromium, headless,
// playwright-core) against the real server with a fresh database: each role logs in; the front
// desk registers patients and books a chair; the prescriber screens (eligible, excluded for psychosis history,
// excluded), plans an IV course and signs it; the nurse runs the session with vitals streamed in
// by a monitor, sees the alarm when systolic passes the threshold, records a side effect and
// discharges.  Screenshots go to tests/browser/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../http/server_harness.mjs';
import { haveChromium, launch, loginAs, ready, shot, localInput, until, firstPage, logOut } from './browser_harness.mjs';

const skip = haveChromium() ? false : 'chromium is not installed (/usr/bin/chromium)';
let srv, ctx, page, pw;
const ids = {};

before(async () => {
  if (skip) return;
  srv = await startServer({ demo: true });
  pw = srv.demoPassword;
  ctx = await launch();
  page = await firstPage(ctx);
});
after(async () => { if (ctx) await ctx.close(); if (srv) await srv.stop(); });

const L = (text) => page.getByLabel(text, { exact: true });
const navLinks = async () => (await page.locator('#nav a').allTextContents()).sort();
const logout = () => logOut(page);

test('each role logs in through the form and sees only its pages', { skip }, async () => {
  const expect = {
    admin: ['Admin', 'Billing', 'Ledger', 'Outcomes', 'Patients', 'Today'],
    prescriber: ['Billing', 'Ledger', 'Outcomes', 'Patients', 'Today'],
    nurse: ['Billing', 'Ledger', 'Outcomes', 'Patients', 'Today'],
    frontdesk: ['Billing', 'Patients', 'Today'],
    auditor: ['Admin', 'Billing', 'Ledger', 'Outcomes', 'Patients', 'Today'],
  };
  for (const [user, links] of Object.entries(expect)) {
    await loginAs(page, srv.base, user, user === 'admin' ? srv.adminPassword : pw);
    assert.match(await page.locator('#who').textContent(), new RegExp(`^${user}`));
    assert.deepEqual(await navLinks(), links, `navigation of ${user}`);
    await logout();
  }
  await L('User name').fill('nurse');
  await L('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  await shot(page, 'login');
});

test('the front desk registers patients and books a chair for today', { skip }, async () => {
  await loginAs(page, srv.base, 'frontdesk', pw);
  for (const [mrn, family, given, w] of [['T-100', 'Eligible', 'Erin', '70'], ['T-101', 'Excluded', 'Ezra', '80']]) {
    await page.goto(`${srv.base}/patients`);
    await ready(page);
    await L('MRN').fill(mrn);
    await L('Family name').fill(family);
    await L('Given name').fill(given);
    await L('Date of birth').fill('1980-05-17');
    await L('Sex').selectOption('female');
    await L('Weight (kg)').fill(w);
    await L('Height (cm)').fill('170');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.waitForURL(/\/patients\/\d+$/);
    await ready(page);
    assert.equal(await page.locator('h1').textContent(), `${family}, ${given}`);
    ids[mrn] = page.url().match(/(\d+)$/)[1];
  }
  await shot(page, 'patient-frontdesk');
  await page.goto(`${srv.base}/`);
  await ready(page);
  await L('Patient MRN').fill('T-100');
  await L('Date and time').fill(localInput(new Date(Date.now() + 60000)));
  await L('Chair').fill('chair-4');
  await page.getByRole('button', { name: 'Book' }).click();
  await page.getByRole('cell', { name: 'chair-4' }).waitFor();
  const row = page.getByRole('row').filter({ hasText: 'chair-4' });
  assert.match(await row.textContent(), /Eligible, Erin.*T-100.*Booked/);
  assert.equal(await row.getByRole('link', { name: 'Open chair' }).count(), 0, 'the front desk has no chair screen');
  await logout();
});

async function screen(id, { drug = 'ketamine', route = 'iv', history = [], allergies = '' }) {
  await page.goto(`${srv.base}/patients/${id}/intake`);
  await ready(page);
  await L('Drug').selectOption(drug);
  await L('Route').selectOption(route);
  await L('Treatment-resistant depression').check();
  for (const h of history) await page.getByLabel(h, { exact: true }).check();
  if (allergies) await L('Allergies (comma separated; blank: none known)').fill(allergies);
  await L('Adequate antidepressant trials').fill('2');
  await L('Height (cm)').fill('170');
  await L('Systolic BP (mmHg)').fill('122');
  await L('Diastolic BP (mmHg)').fill('78');
  await L('Heart rate (/min)').fill('72');
  await L('SpO₂ (%)').fill('98');
  await page.getByRole('button', { name: 'Screen' }).click();
  const res = page.locator('form [data-testid="screening-result"]');
  await res.waitFor();
  return res;
}

test('the prescriber screens: one eligible, one with psychosis, one excluded', { skip }, async () => {
  await loginAs(page, srv.base, 'prescriber', pw);
  let r = await screen(ids['T-100'], { allergies: 'Penicillin, latex' });
  assert.equal(await r.locator('.verdict').textContent(), 'Eligible');
  await shot(page, 'intake-eligible');
  await page.goto(`${srv.base}/patients/${ids['T-100']}`);
  await ready(page);
  assert.equal(await page.locator('[data-testid="allergies"]').textContent(), 'penicillin, latex', 'allergies on the summary');
  // excluded for a history of psychosis (the clinic protocol's screen.psychosis_excludes, default 1)
  r = await screen(ids['T-101'], { history: ['History of psychosis'] });
  assert.equal(await r.locator('.verdict').textContent(), 'Not eligible');
  const psych = r.getByRole('row').filter({ hasText: 'history of psychosis' });
  assert.match(await psych.textContent(), /absolute/);
  assert.match(await psych.textContent(), /Popova et al\., Am J Psychiatry 2019/, 'the finding names its source');
  await shot(page, 'intake-psychosis');
  r = await screen(ids['T-101'], { drug: 'esketamine', route: 'nasal', history: ['History of psychosis', 'Aneurysmal vascular disease'] });
  assert.equal(await r.locator('.verdict').textContent(), 'Not eligible');
  assert.match(await r.getByRole('row').filter({ hasText: 'aneurysmal vascular disease' }).textContent(), /absolute.*do not give ketamine or esketamine/);
  await page.goto(`${srv.base}/patients/${ids['T-101']}`);
  await ready(page);
  assert.match(await page.locator('section').first().textContent(), /History.*psychosis-history.*Screening Not eligible/s);
  const docs = await page.locator('[data-testid="documents"]').textContent();
  assert.equal((docs.match(/Screening — Not eligible/g) || []).length, 2, `both screenings kept as documents: ${docs}`);
  await shot(page, 'patient');
});

test('the prescriber plans an IV course; only a prescriber signs it', { skip }, async () => {
  await page.goto(`${srv.base}/patients/${ids['T-100']}/plan`);
  await ready(page);
  await L('Dose (mg/kg)').fill('0.5');
  await L('Infusion (min)').fill('40');
  await L('Concentration (mg/mL)').fill('1');
  await page.getByRole('button', { name: 'Make plan' }).click();
  const plan = page.locator('[data-testid="plan"]');
  await plan.waitFor();
  // 0.5 mg/kg x 70 kg = 35 mg over 40 min at 1 mg/mL = 52.5 mL/h
  assert.equal(await plan.locator('[data-testid="pump-rate"]').textContent(), '52.5 mL/h');
  assert.match(await plan.textContent(), /Schedule \(6 sessions\)/);
  await plan.locator('.u-legend').first().waitFor();
  const models = await plan.locator('.u-legend .u-series').count();
  assert.ok(models >= 3, `predicted curves under several models (legend rows ${models})`);
  await shot(page, 'plan');
  await logout();
  await loginAs(page, srv.base, 'nurse', pw);
  await page.goto(`${srv.base}/patients/${ids['T-100']}/plan`);
  await ready(page);
  assert.equal(await page.getByRole('button', { name: 'Sign plan' }).count(), 0, 'a nurse cannot sign');
  await logout();
  await loginAs(page, srv.base, 'prescriber', pw);
  await page.goto(`${srv.base}/patients/${ids['T-100']}/plan`);
  await ready(page);
  await page.getByRole('button', { name: 'Sign plan' }).click();
  await page.getByText('signed by prescriber').first().waitFor();
  await logout();
});

test('the nurse runs the session: dose, live vitals, alarm, side effect, discharge', { skip }, async () => {
  const pharmacy = new Client(srv.base);
  assert.equal((await pharmacy.login('prescriber', pw)).status, 200);
  assert.equal((await pharmacy.post('/api/ledger', { kind: 'receipt', drug: 'ketamine', lot: 'LOT-J', location: 'safe-2', qty_mg: 1000, supplier: 'Acme, DEA RA1234563' })).status, 201);
  await loginAs(page, srv.base, 'nurse', pw);
  await page.getByRole('row').filter({ hasText: 'chair-4' }).getByRole('link', { name: 'Open chair' }).click();
  await page.waitForURL(/\/sessions\/\d+$/);
  await ready(page);
  const sid = page.url().match(/(\d+)$/)[1];
  await page.getByRole('button', { name: 'Start session' }).click();
  await page.getByRole('button', { name: /End infusion/ }).waitFor();
  assert.equal(await page.locator('[data-testid="pump-rate"]').textContent(), '52.5 mL/h');
  await page.getByLabel('Stock (lot at location)').selectOption({ label: 'LOT-J at safe-2 (1000.0 mg)' });
  await page.getByRole('button', { name: 'Record dose given' }).click();
  const given = page.locator('[data-testid="dose-given"] [role="status"]');
  await given.waitFor();
  assert.match(await given.textContent(), /^Given: 35\.00 mg base \(35\.0 mL\) at 52\.5 mL\/h — dose #\d+, ledger entry #\d+\.$/);
  const bal = (await pharmacy.get('/api/ledger/balances')).json.balances.find((b) => b.lot === 'LOT-J');
  assert.equal(bal.balance_ug, 1000000 - 35000, 'the dose left the ledger with it');
  // Live updates come over the session's event stream, not by asking again.
  await page.locator('[data-testid="live"]', { hasText: 'Live' }).waitFor();
  const vitalsGets = [];
  const countGets = (req) => { if (req.method() === 'GET' && /\/vitals(\?|$)/.test(req.url())) vitalsGets.push(req.url()); };
  page.on('request', countGets);
  // The bedside monitor streams readings through the API, as its gateway would.
  const monitor = new Client(srv.base);
  assert.equal((await monitor.login('nurse', pw)).status, 200);
  const at = (minAgo) => new Date(Date.now() - minAgo * 60000).toISOString().replace(/\.\d+Z$/, 'Z');
  const reading = (t, sbp, dbp) => ['sbp', 'dbp', 'hr', 'spo2'].map((code, i) => ({ at: t, code, value: [sbp, dbp, 76, 98][i] }));
  let r = await monitor.post(`/api/sessions/${sid}/vitals`, { observations: [...reading(at(10), 126, 80), ...reading(at(5), 138, 84)] });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  await page.locator('[data-code="sbp"]', { hasText: '138' }).waitFor();
  assert.equal(await page.locator('[data-testid="alarms"] .alarm').count(), 0, 'no alarm at 138/84');
  assert.equal(await page.locator('#alarm-banner').isHidden(), true);
  // a minute before the reading that settles it below: readings at the same second are one reading
  r = await monitor.post(`/api/sessions/${sid}/vitals`, { observations: reading(at(1), 206, 96) });
  assert.equal(r.status, 201);
  const alarm = page.locator('[data-testid="alarms"] .alarm', { hasText: 'CRITICAL' });
  await alarm.first().waitFor();
  assert.match(await page.locator('#alarm-banner').textContent(), /ALARM — chair-4/);
  assert.match(await alarm.first().textContent(), /206/);
  page.off('request', countGets);
  assert.deepEqual(vitalsGets, [], 'the readings and the alarm were pushed (Server-Sent Events), not polled');
  await shot(page, 'session-alarm');
  // alarms at a glance on Today, then back to the chair
  await page.getByRole('link', { name: 'Today' }).click();
  await ready(page);
  const todayRow = page.getByRole('row').filter({ hasText: 'chair-4' });
  assert.match(await todayRow.textContent(), /In session.*\d+ alarms?: /);
  await shot(page, 'today-alarm');
  await todayRow.getByRole('link', { name: 'Open chair' }).click();
  await ready(page);
  await page.locator('[data-testid="alarms"] .alarm').first().waitFor();
  assert.match(await page.locator('[data-testid="dose-charted"]').textContent(), /^Charted: ketamine 35(\.00)? mg/, 'back at the chair, the dose is shown as charted, not offered again');
  assert.equal(await page.getByRole('button', { name: 'Record dose given' }).count(), 0);
  // one-tap side effect
  await L('Severity').selectOption('moderate');
  await page.getByRole('button', { name: 'Nausea' }).click();
  await page.getByRole('cell', { name: 'Nausea' }).waitFor();
  assert.match(await page.getByRole('row').filter({ hasText: 'Nausea' }).textContent(), /moderate/);
  await page.getByRole('button', { name: 'Antiemetic given' }).click();
  await page.getByRole('cell', { name: 'Antiemetic given' }).waitFor();
  // BP settles; the infusion ends; discharge is checked
  await monitor.post(`/api/sessions/${sid}/vitals`, { observations: reading(at(0), 128, 80) });
  await page.locator('[data-code="sbp"]', { hasText: '128' }).waitFor();
  await page.locator('#alarm-banner').waitFor({ state: 'hidden' });
  assert.match(await page.locator('[data-testid="alarms"] details').textContent(), /Earlier in this session \(\d+\).*206/);
  await page.getByRole('button', { name: /End infusion/ }).click();
  await page.getByRole('button', { name: 'Check discharge' }).waitFor();
  await L('Mental status back to baseline').check();
  await page.getByRole('button', { name: 'Check discharge' }).click();
  const res = page.locator('[data-testid="discharge-result"]');
  await res.locator('.verdict').waitFor();
  assert.equal(await res.locator('.verdict').textContent(), 'Not ready for discharge');
  const missing = await res.locator('li').allTextContents();
  assert.ok(missing.some((m) => /escort/i.test(m)), `escort listed as missing: ${missing}`);
  assert.ok(missing.some((m) => /observ/i.test(m)), `observation time listed as missing: ${missing}`);
  await L('Escort present').check();
  await page.getByLabel(/Infusion ended at/).fill(localInput(new Date(Date.now() - 75 * 60000)));
  await page.getByRole('button', { name: 'Check discharge' }).click();
  await until(async () => (await res.locator('.verdict').textContent()) === 'Ready for discharge', 'discharge ready');
  await shot(page, 'session');
  await page.emulateMedia({ media: 'print' });
  await shot(page, 'session-print');
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize({ width: 820, height: 1180 }); // a tablet at the chair
  await shot(page, 'session-tablet');
  await page.setViewportSize({ width: 1280, height: 900 });
  ids.session = sid;
  await page.getByRole('link', { name: 'Today' }).click();
  await ready(page);
  assert.match(await page.getByRole('row').filter({ hasText: 'chair-4' }).textContent(), /Discharged/);
  await logout();
});

test('the front desk charges the session from its record and takes a payment', { skip }, async () => {
  await loginAs(page, srv.base, 'frontdesk', pw);
  await page.goto(`${srv.base}/billing?q=T-100`);
  await ready(page);
  await page.getByRole('link', { name: 'Eligible, Erin' }).click();
  await ready(page);
  const row = page.locator('section', { has: page.getByRole('heading', { name: 'Sessions' }) }).getByRole('row').filter({ hasText: 'chair-4' });
  await row.getByRole('button', { name: 'Charge' }).click();
  await page.getByRole('cell', { name: 'charge', exact: true }).first().waitFor();
  assert.equal(await row.getByRole('button', { name: 'Charge' }).count(), 0, 'a charged session is not offered again');
  const api = new Client(srv.base);
  assert.equal((await api.login('frontdesk', pw)).status, 200);
  const before = (await api.get(`/api/patients/${ids['T-100']}/billing`)).json;
  const charged = before.entries.filter((e) => e.kind === 'charge' && String(e.session_id) === ids.session);
  assert.ok(charged.length >= 1, 'charge lines for the session');
  assert.equal(before.totals.balance_cents, charged.reduce((n, e) => n + e.cents, 0));
  const money = (c) => `$${(c / 100).toFixed(2)}`;
  assert.equal(await page.locator('[data-testid="balance"] b').textContent(), money(before.totals.balance_cents));
  await page.getByLabel('Amount ($)').fill('20');
  await page.getByRole('button', { name: 'Record payment' }).click();
  await page.getByRole('cell', { name: 'payment' }).waitFor();
  const after = (await api.get(`/api/patients/${ids['T-100']}/billing`)).json;
  assert.equal(after.totals.balance_cents, before.totals.balance_cents - 2000);
  assert.equal(await page.locator('[data-testid="balance"] b').textContent(), money(after.totals.balance_cents).replace('$-', '−$'));
  await shot(page, 'billing-session');
  await logout();
});

test('nothing on these pages was blocked by the Content-Security-Policy', { skip }, () => {
  assert.deepEqual(ctx.cspViolations, []);
});
