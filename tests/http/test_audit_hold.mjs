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

test('a long session: every reading is listed and the latest alarm is never cut off', async () => {
  // 2 h 50 min at 1 Hz of SpO2 and HR (20,400 rows, 10,200 readings), then a BP crisis: the list
  // and the alarm rules see the whole session, not its first rows.
  const { srv, nurse, id } = await setup();
  try {
    const s = await nurse.post('/api/sessions', { patient_id: id, chair: 'long-1', planned_at: '2026-01-05T08:00:00Z' });
    assert.equal(s.status, 201, JSON.stringify(s.json));
    const sid = s.json.id;
    assert.equal((await nurse.post(`/api/sessions/${sid}/status`, { status: 'started', at: '2026-01-05T08:00:00Z' })).status, 200);
    const t0 = Date.parse('2026-01-05T08:00:00Z');
    const at = (sec) => new Date(t0 + sec * 1000).toISOString().replace('.000Z', 'Z');
    const N = 10200;
    const obs = [];
    for (let i = 0; i < N; i++) obs.push({ at: at(i), code: 'spo2', value: i >= 300 && i < 360 ? 85 : 97 }, { at: at(i), code: 'hr', value: 72 });
    for (let k = 0; k < obs.length; k += 1000) { // the API takes 1,000 observations a request
      const w = await nurse.post(`/api/sessions/${sid}/vitals`, { observations: obs.slice(k, k + 1000) });
      assert.equal(w.status, 201, JSON.stringify(w.json));
    }
    const crisis = await nurse.post(`/api/sessions/${sid}/vitals`, { observations: [{ at: at(N), code: 'sbp', value: 212 }, { at: at(N), code: 'dbp', value: 124 }, { at: at(N), code: 'spo2', value: 97 }] });
    assert.equal(crisis.status, 201);
    const v = await nurse.get(`/api/sessions/${sid}/vitals`);
    assert.equal(v.status, 200);
    assert.equal(v.json.observations.length, 2 * N + 3, 'every row, past the old 20,000-row cap');
    const last = v.json.alarms.filter((a) => a.id === 'bp-single');
    assert.equal(last.length, 1, JSON.stringify(v.json.alarms.map((a) => a.id)));
    assert.equal(last[0].t_min, N / 60, 'the crisis at the last reading is raised');
    assert.ok(v.json.alarms_left_out > 0, 'the 60 low-SpO2 alarms do not all fit; the oldest are counted');
    // ?after= still gives only the new rows, with the alarms of the whole session
    const tail = await nurse.get(`/api/sessions/${sid}/vitals?after=${v.json.last_id - 3}`);
    assert.equal(tail.json.observations.length, 3);
    assert.ok(tail.json.alarms.some((a) => a.id === 'bp-single'));
  } finally {
    await srv.stop();
  }
});
