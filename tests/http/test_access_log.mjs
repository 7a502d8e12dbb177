// test_access_log.mjs — the structured access log (stderr): one valid JSON line per request with
// time, client, method, path, status, duration, user and role; no query strings, tokens or
// passwords; crafted paths cannot break a line; lines reach the file within about a second and
// all of them by a clean shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, Client } from './server_harness.mjs';

function rawGet(hostport, path) {
  const [host, port] = hostport.split(':');
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), host, () => s.end(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let got = '';
    s.on('data', (d) => { got += d; });
    s.on('end', () => resolve(got));
    s.on('error', reject);
  });
}

test('one JSON line per request, nothing secret in it, flushed', async () => {
  const srv = await startServer();
  let stopped = false;
  try {
    const a = new Client(srv.base);
    assert.equal((await a.login('admin', srv.adminPassword)).status, 200);
    const p = await a.post('/api/patients', { mrn: 'L-1', family_name: 'Log', birth_date: '1970-01-01' });
    assert.equal(p.status, 201);
    const tok = await a.post('/api/tokens', { name: 'logbot', role: 'nurse' });
    assert.equal(tok.status, 201);
    const bot = new Client(srv.base);
    bot.bearer = tok.json.token;
    assert.equal((await bot.get(`/api/patients/${p.json.id}?secret=q1`)).status, 200);
    const raw = await rawGet(srv.hostport, '/api/x%22y%0A%7B%22status%22:200%7D%ff');
    assert.match(raw, /^HTTP\/1\.1 4/);

    // flushed within about a second while the server keeps running
    await new Promise((r) => setTimeout(r, 1500));
    const early = srv.stderr().split('\n').filter((l) => l.startsWith('{'));
    assert.ok(early.length >= 5, `lines visible while running: ${early.length}`);

    await srv.stop('SIGTERM');
    stopped = true;
    const lines = srv.stderr().split('\n').filter((l) => l.startsWith('{'));
    const entries = lines.map((l) => JSON.parse(l)); // every line is valid JSON
    assert.equal(entries.length, 5, lines.join('\n'));
    for (const e of entries) {
      assert.deepEqual(Object.keys(e), ['time', 'ip', 'method', 'path', 'status', 'ms', 'user', 'role']);
      assert.match(e.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(e.ip, '127.0.0.1');
      assert.ok(e.ms >= 0);
    }
    const login = entries.find((e) => e.path === '/api/login');
    assert.equal(login.method, 'POST');
    assert.equal(login.status, 200);
    const read = entries.find((e) => e.path === `/api/patients/${p.json.id}`);
    assert.deepEqual([read.status, read.user, read.role], [200, 'api-logbot', 'nurse']);
    const crafted = entries.find((e) => e.path.startsWith('/api/x'));
    assert.equal(crafted.path, '/api/x"y\n{"status":200}\u00ff', 'decoded path kept whole, escaped');
    assert.equal(crafted.status, 404);
    const all = srv.stderr();
    assert.ok(!all.includes(tok.json.token.split('.').pop()), 'the API token secret is not logged');
    assert.ok(!all.includes(srv.adminPassword), 'the password is not logged');
    assert.ok(!all.includes('secret=q1'), 'query strings are not logged');
  } finally {
    if (!stopped) await srv.stop('SIGKILL');
  }
});
