// test_tls.mjs — HTTPS: the server serves TLS with the given certificate, the session cookie is
// Secure, HSTS is sent, and plain HTTP on the TLS port gets nowhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server_harness.mjs';

function request(url, { method = 'GET', body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, rejectUnauthorized: false, agent: false }, (res) => {
      const tls = res.socket.getProtocol();
      let data = '';
      res.on('data', (d) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data, tls }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

test('HTTPS with Secure cookies and HSTS', { timeout: 60000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kc-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out',
    join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  const srv = await startServer({ dir, extra: ['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')] });
  try {
    const base = `https://${srv.hostport}`;
    const login = await request(`${base}/api/login`, { method: 'POST', body: JSON.stringify({ user: 'admin', password: srv.adminPassword }),
      headers: { 'Content-Type': 'application/json' } });
    assert.equal(login.status, 200, login.body);
    const cookie = login.headers['set-cookie'][0];
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /HttpOnly/);
    assert.match(login.headers['strict-transport-security'], /max-age=\d+/);
    assert.match(login.tls, /^TLSv1\.[23]$/);
    const me = await request(`${base}/api/me`, { headers: { Cookie: cookie.split(';')[0] } });
    assert.equal(me.status, 200);
    assert.equal(JSON.parse(me.body).role, 'admin');
    await assert.rejects(fetch(`http://${srv.hostport}/api/me`, { signal: AbortSignal.timeout(5000) }),
      'plain HTTP is not served on the TLS port');
  } finally {
    await srv.stop();
  }
});
