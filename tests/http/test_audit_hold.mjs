// test_audit_hold.mjs — the server holds each read's response until the read's audit entry is
// committed by the audit writer thread (src/store/audit_batch.c): under hundreds of concurrent
// reads every 200 that carried patient data has exactly one audit entry, the hash chain verifies,
// and a SIGTERM with reads held releases all of them before the process exits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client } from './server_harness.mjs';

const pw = 'correct horse battery staple';

async function setup(extra = []) {
  const srv = await startServer({ extra });
  const a = new Client(srv.base);
  assert.equal((await a.login('admin', srv.adminPassword)).status, 200);
  assert.equal((await a.post('/api/users', { name: 'nurse', role: 'nurse', display_name: 'N', password: pw })).status, 201);
  const p = await a.post('/api/patients', { mrn: 'H-1', family_name: 'Held', given_name: 'Res', birth_date: '1975-05-05' });
  assert.equal(p.status, 201);
  const nurse = new Client(srv.base);
  assert.equal((await nurse.login('nurse', pw)).status, 200);
  return { srv, nurse, id: p.json.id };
}

function sql(dir, q) {
  return execFileSync('sqlite3', [`${dir}/kc.db`, q], { encoding: 'utf8' }).trim();
}

function auditedReads(dir, id) {
  return Number(sql(dir, `SELECT count(*) FROM audit_log WHERE user_name='nurse' AND action='read' AND resource_type='Patient' AND resource_id='${id}' AND outcome='success'`));
}

function verifyChain(srv) {
  return execFileSync(process.env.KC_BIN, ['audit', 'verify', '--db', `${srv.dir}/kc.db`, '--audit-key', `${srv.dir}/audit.key`], { encoding: 'utf8' });
}

test('concurrent reads: every returned record has exactly one audit entry', async () => {
  const { srv, nurse, id } = await setup();
  try {
    const before = auditedReads(srv.dir, id);
    // 3 rounds of 120 at once (under the server's 128 requests in flight, 256 connections)
    const N = 360;
    const res = [];
    for (let round = 0; round < 3; round++)
      res.push(...await Promise.all(Array.from({ length: 120 }, () => nurse.get(`/api/patients/${id}`))));
    assert.ok(res.every((r) => r.status === 200), JSON.stringify(res.map((r) => r.status).filter((s) => s !== 200)));
    assert.ok(res.every((r) => r.json.family_name === 'Held'));
    assert.equal(auditedReads(srv.dir, id) - before, N, 'one audit entry per read, none lost or doubled');
    // a failed read (no such patient) is audited as a failure and still answered
    const miss = await nurse.get(`/api/patients/${id + 999}`);
    assert.equal(miss.status, 404);
    assert.equal(Number(sql(srv.dir, `SELECT count(*) FROM audit_log WHERE user_name='nurse' AND action='read' AND outcome='failure'`)), 1);
    assert.match(verifyChain(srv), /intact/);
  } finally {
    await srv.stop();
  }
});

test('SIGTERM with reads held: each is released, audited, and the server exits cleanly', async () => {
  const { srv, nurse, id } = await setup();
  let exited = false;
  try {
    const before = auditedReads(srv.dir, id);
    const N = 120;
    const inflight = Array.from({ length: N }, () => nurse.get(`/api/patients/${id}`).catch(() => ({ status: 0 })));
    await new Promise((r) => setTimeout(r, 20));
    const exit = srv.stop('SIGTERM');
    const res = await Promise.all(inflight);
    const { code } = await exit;
    exited = true;
    assert.equal(code, 0, srv.stderr());
    const ok = res.filter((r) => r.status === 200).length;
    assert.ok(res.every((r) => r.status === 200 || r.status === 0), JSON.stringify(res.map((r) => r.status)));
    assert.ok(ok > 0, 'some reads were answered before the shutdown');
    // No data went out without its entry; an entry may exist for a response the closing socket lost.
    const audited = auditedReads(srv.dir, id) - before;
    assert.ok(audited >= ok, `${ok} answered reads but ${audited} audit entries`);
    assert.match(verifyChain(srv), /intact/);
  } finally {
    if (!exited) await srv.stop('SIGKILL');
  }
});
