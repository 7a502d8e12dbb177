// browser_harness.mjs — Debian's chromium driven by playwright-core, headless, against the real
// server (tests/http/server_harness.mjs) on loopback with a fresh database.
import { mkdtempSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.KC_CHROMIUM || '/usr/bin/chromium';
export const SHOTS = join(process.env.KC_ROOT || process.cwd(), 'tests', 'browser', 'screenshots');

export function haveChromium() { return existsSync(CHROMIUM); }

export async function launch() {
  mkdirSync(SHOTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'kc-chromium-'));
  // A fresh profile directory per run: the persistent context is the only way to pass one.
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Anything the page's Content-Security-Policy blocked (an inline style or script would be a bug).
  ctx.cspViolations = [];
  const watch = (pg) => pg.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) ctx.cspViolations.push(m.text()); });
  ctx.pages().forEach(watch);
  ctx.on('page', watch);
  return ctx;
}

// The page a test file drives: 10-s waits, and a script error in the page fails the test.
export async function firstPage(ctx) {
  const page = ctx.pages()[0] || await ctx.newPage();
  page.setDefaultTimeout(10000);
  page.on('pageerror', (e) => { throw e; });
  return page;
}

// Logs out with the shell's button, as a person would.
export async function logOut(page) {
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(/\/login$/);
}

// Logs in through the login form, as a person would.
export async function loginAs(page, base, user, password) {
  await page.goto(`${base}/login`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
  await ready(page);
}

// Waits until the page has rendered its data (the shell sets main[data-ready]).
export async function ready(page) {
  await page.waitForSelector('main[data-ready="1"]', { timeout: 15000 });
}

export async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// First load of a page: a new navigation to url until its data is shown, in ms.
export async function firstLoad(page, url) {
  const t0 = performance.now();
  await page.goto(url);
  await ready(page);
  return performance.now() - t0;
}

// A datetime-local value (the browser's local time) for a Date.
export function localInput(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

// Polls fn (async, returns truthy when done) until it holds or timeout_ms passes.
export async function until(fn, what, timeoutMs = 15000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
