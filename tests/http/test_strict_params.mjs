// test_strict_params.mjs — numbers and dates in query strings and bodies are read whole and
// checked (issue 22: sscanf/atoll read a prefix, so `?after=5x` was taken as 5 and `2026-02-31`
// as a date): each bad value gets a 400/422 naming it, each good one works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from './server_harness.mjs';

let srv, admin, auditor;
const pw = 'correct horse battery staple';

before(async () => {
  srv = await startServer();
  admin = new Client(srv.base);
  assert.equal((await admin.login('admin', srv.adminPassword)).status, 200);
  const c = await admin.post('/api/users', { name: 'aud', role: 'auditor', display_name: 'A', password: pw });
  assert.equal(c.status, 201, JSON.stringify(c.json));
  auditor = new Client(srv.base);
  assert.equal((await auditor.login('aud', pw)).status, 200);
});

after(async () => { if (srv) await srv.stop(); });

test('audit list: after and limit are whole numbers in range', async () => {
  for (const q of ['after=5x', 'after=-1', 'after=', 'after=1e3', 'after=%205',
                   'limit=0', 'limit=1001', 'limit=10abc', 'limit=0x10']) {
    const r = await auditor.get(`/api/audit?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.json.error.field, q.split('=')[0], q);
  }
  const all = await auditor.get('/api/audit?limit=1000');
  assert.equal(all.status, 200);
  const n = all.json.entries.length;
  assert.ok(n >= 2, 'the logins and the user added are audited');
  const r = await auditor.get('/api/audit?after=1&limit=1');
  assert.equal(r.status, 200);
  assert.equal(r.json.entries.length, 1);
  assert.equal(r.json.entries[0].seq, 2);
});

test('dates: a day the month does not have is refused, a real one works', async () => {
  for (const d of ['2026-02-31', '2026-02-29', '2026-13-01', '2026-1-011', '2026-01-01x', '20260101']) {
    const r = await admin.get(`/api/sessions?date=${d}`);
    assert.equal(r.status, 400, d);
    const p = await admin.post('/api/patients', { mrn: `M-${d}`, family_name: 'Date', birth_date: d });
    assert.equal(p.status, 422, d);
    assert.equal(p.json.error.field, 'birth_date', d);
  }
  assert.equal((await admin.get('/api/sessions?date=2024-02-29')).status, 200);
  const p = await admin.post('/api/patients', { mrn: 'M-leap', family_name: 'Date', birth_date: '2000-02-29' });
  assert.equal(p.status, 201, JSON.stringify(p.json));
});

test('an error quoting bytes that are not UTF-8 still carries its message (found by fuzz_query)', async () => {
  const r = await admin.get('/api/sessions?date=2026-1%C7%D223');
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /2026-1\\xC7\\xD223/);
});
