// test_a11y.mjs — accessibility checks of every main page in the real browser: each form control
// has a label, text contrast meets WCAG 2.1 AA (4.5:1, 3:1 for large text; WCAG 2.1 SC 1.4.3
// and its relative-luminance formula), and the interface works from the keyboard alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../http/server_harness.mjs';
import { haveChromium, launch, loginAs, ready, firstPage } from './browser_harness.mjs';

const skip = haveChromium() ? false : 'chromium is not installed (/usr/bin/chromium)';
let srv, ctx, page;

before(async () => {
  if (skip) return;
  srv = await startServer({ demo: true });
  ctx = await launch();
  page = await firstPage(ctx);
});
after(async () => { if (ctx) await ctx.close(); if (srv) await srv.stop(); });

// Runs in the page: controls without a label, and text below its contrast minimum.
function audit() {
  const unlabelled = [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && el.offsetParent !== null)
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
    .map((el) => el.outerHTML.slice(0, 80));
  const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const bg = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || el.closest('.u-legend, .uplot, noscript') || el.offsetParent === null) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden' || el.closest('[disabled]')) continue;
    const a = lum(rgb(st.color).slice(0, 3)), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(st.fontSize), bold = Number(st.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) low.push(`${n.textContent.trim().slice(0, 30)} (${ratio.toFixed(2)} < ${need})`);
  }
  return { unlabelled, low };
}

test('every main page: labelled controls and AA contrast', { skip }, async () => {
  await loginAs(page, srv.base, 'prescriber', srv.demoPassword);
  for (const p of ['/', '/patients', '/patients/1', '/patients/1/intake', '/patients/1/plan', '/sessions/1', '/outcomes', '/ledger', '/billing', '/billing?patient=1']) {
    await page.goto(srv.base + p);
    await ready(page);
    const { unlabelled, low } = await page.evaluate(audit);
    assert.deepEqual(unlabelled, [], `${p}: controls without a label`);
    assert.deepEqual(low, [], `${p}: text below the contrast minimum`);
  }
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(/\/login$/);
  const { unlabelled, low } = await page.evaluate(audit);
  assert.deepEqual([unlabelled, low], [[], []], 'login page');
});

test('keyboard only: sign in, back to the navigation, open a page', { skip }, async () => {
  await page.goto(`${srv.base}/login`);
  await ready(page);
  assert.equal(await page.evaluate(() => document.activeElement.name), 'user', 'the user name field has the focus');
  await page.keyboard.type('nurse');
  await page.keyboard.press('Tab');
  await page.keyboard.type(srv.demoPassword);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${srv.base}/`);
  await ready(page);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main', 'after a page change the focus is on its content');
  let found = false;
  for (let i = 0; i < 10 && !found; i++) {
    await page.keyboard.press('Shift+Tab');
    found = await page.evaluate(() => document.activeElement.textContent === 'Patients');
  }
  assert.ok(found, 'the Patients link is reachable with Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${srv.base}/patients`);
  await ready(page);
  assert.equal(await page.locator('h1').textContent(), 'Patients');
});

test('nothing on these pages was blocked by the Content-Security-Policy', { skip }, () => {
  assert.deepEqual(ctx.cspViolations, []);
});
