// server_harness.mjs — starts the real `ketaclinic serve` on a free loopback port with a fresh
// SQLite database, and gives tests a small client that keeps the session cookie and CSRF token.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function startServer({ demo = false, extra = [], dir = null } = {}) {
  const bin = process.env.KC_BIN;
  if (!bin) throw new Error('KC_BIN is not set: run through scripts/run-tests.sh');
  dir = dir || mkdtempSync(join(tmpdir(), 'kc-http-'));
  const ready = join(dir, 'ready');
  rmSync(ready, { force: true });
  const web = join(process.env.KC_ROOT || process.cwd(), 'web');
  const args = ['serve', '--listen', '127.0.0.1:0', '--db', join(dir, 'kc.db'), '--web-root', web,
    '--audit-key', join(dir, 'audit.key'), '--ready-file', ready, '--threads', '4', ...extra];
  if (demo) args.push('--demo');
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((res) => proc.on('exit', (code, sig) => res({ code, sig })));
  // The server creates the ready file, then writes host:port into it: wait for the content.
  const written = () => existsSync(ready) && readFileSync(ready, 'utf8').trim() !== '';
  for (let i = 0; i < 300 && !written(); i++) {
    if (proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!written()) {
    proc.kill('SIGKILL');
    throw new Error(`server did not start: ${out}\n${err}`);
  }
  const hostport = readFileSync(ready, 'utf8').trim();
  const m = out.match(/one-time password: (\S+)/);
  const demoPw = (out.match(/share the password (\S+)/) || [])[1];
  return {
    base: `http://${hostport}`, hostport, dir, proc, exited,
    adminPassword: m ? m[1] : null, demoPassword: demoPw,
    stdout: () => out, stderr: () => err,
    async stop(signal = 'SIGTERM') { proc.kill(signal); return exited; },
  };
}

export class Client {
  constructor(base) { this.base = base; this.cookie = null; this.csrf = null; this.bearer = null; }
  async req(method, path, body, headers = {}) {
    const h = { ...headers };
    if (this.cookie) h.Cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['X-CSRF-Token'] = this.csrf;
    if (this.bearer) h.Authorization = `Bearer ${this.bearer}`;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['Content-Type'] = 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { status: res.status, headers: res.headers, json, text };
  }
  get(p, h) { return this.req('GET', p, undefined, h); }
  post(p, b, h) { return this.req('POST', p, b, h); }
  async login(user, password) {
    const r = await this.post('/api/login', { user, password });
    if (r.status === 200) {
      const sc = r.headers.get('set-cookie');
      this.cookie = sc.split(';')[0];
      this.csrf = r.json.csrf_token;
    }
    return r;
  }
}
