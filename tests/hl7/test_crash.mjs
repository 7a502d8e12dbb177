// test_crash.mjs — kill -9 of the server while monitors stream: every message that was ACKed AA
// is in the database after a restart, and re-sending the ones that were in flight stores each
// exactly once (the duplicate check on sender + control id).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startClinic, staff, patientInChair, observations, Raw, acks, oru, hl7Time, VT, FS, CR,
  sleep } from './hl7_harness.mjs';

const CLIENTS = 4;
// 55 min ago: inside the window of a session started now (check-in counts 60 min before the
// start), and never in the future (4 monitors x at most 800 messages a second apart)
const base = Math.floor(Date.now() / 1000) * 1000 - 55 * 60 * 1000;
const iso = (d) => d.toISOString();

// Message i of monitor k: a unique time so every reading can be found again.
function msgFor(k, i) {
  const at = new Date(base + (k * 800 + i) * 1000);
  return { ctrl: `CRASH-${k}-${i}`, at: iso(at), text: oru({ ctrl: `CRASH-${k}-${i}`, mrn: 'CRASH-1',
    sender: `MON${k}`, at: hl7Time(at), hr: 60 + (i % 30) }) };
}

test('kill -9 while four monitors stream loses no ACKed message; retries are stored once', async () => {
  let srv = await startClinic();
  let who = await staff(srv);
  const { sessionId } = await patientInChair(who, 'CRASH-1', 'chair-1');
  const acked = [], inflight = new Map();
  let stop = false;
  async function monitor(k) {
    const raw = new Raw(srv.hl7Port);
    await raw.ready;
    for (let i = 0; !stop && i < 800; i++) {
      const m = msgFor(k, i);
      inflight.set(m.ctrl, m);
      try {
        await raw.write(VT + m.text + FS + CR);
        const a = acks(await raw.frame());
        assert.equal(a[0].code, 'AA', a[0].text);
        assert.equal(a[0].ctrl, m.ctrl);
        acked.push(m);
        inflight.delete(m.ctrl);
      } catch (e) {
        if (stop || /closed|ECONNRESET|EPIPE/.test(String(e))) break;
        throw e;
      }
    }
    raw.close();
  }
  const runs = Array.from({ length: CLIENTS }, (_, k) => monitor(k));
  while (acked.length < 400) await sleep(10);
  srv.proc.kill('SIGKILL');
  await srv.exited;
  stop = true;
  await Promise.all(runs);
  const ackedAtKill = acked.length;
  assert.ok(ackedAtKill >= 400);

  srv = await startClinic({ dir: srv.dir });
  who = await staff(srv, false);
  let obs = (await observations(who, sessionId)).observations;
  const count = new Map();
  for (const o of obs) count.set(o.at, (count.get(o.at) || 0) + 1);
  for (const m of acked)
    assert.equal(count.get(m.at), 4, `ACKed ${m.ctrl} (${m.at}) has its 4 readings after the crash`);
  assert.ok(obs.length <= (acked.length + inflight.size) * 4, 'nothing from nowhere');

  // the monitors retry what was in flight: each is accepted and stored once, never twice
  const raw = new Raw(srv.hl7Port);
  await raw.ready;
  for (const m of inflight.values()) {
    await raw.write(VT + m.text + FS + CR);
    const a = acks(await raw.frame());
    assert.equal(a[0].code, 'AA', a[0].text);
  }
  raw.close();
  obs = (await observations(who, sessionId)).observations;
  const after = new Map();
  for (const o of obs) after.set(o.at, (after.get(o.at) || 0) + 1);
  for (const m of [...acked, ...inflight.values()]) assert.equal(after.get(m.at), 4, m.ctrl);
  assert.equal(obs.length, (acked.length + inflight.size) * 4);
  await srv.stop();
});

test('SIGTERM while monitors stream: every ACKed message is stored, the server exits cleanly', async () => {
  let srv = await startClinic();
  let who = await staff(srv);
  const { sessionId } = await patientInChair(who, 'TERM-1', 'chair-2');
  const acked = [];
  let stop = false;
  async function monitor(k) {
    const raw = new Raw(srv.hl7Port);
    await raw.ready;
    for (let i = 0; !stop && i < 800; i++) {
      const at = new Date(base + (k * 800 + i) * 1000);
      const m = { ctrl: `TERM-${k}-${i}`, at: iso(at) };
      try {
        await raw.write(VT + oru({ ctrl: m.ctrl, mrn: 'TERM-1', sender: `T${k}`, at: hl7Time(at) }) + FS + CR);
        const a = acks(await raw.frame());
        assert.equal(a[0].code, 'AA', a[0].text);
        acked.push(m);
      } catch (e) {
        if (/closed|ECONNRESET|EPIPE/.test(String(e))) break;
        throw e;
      }
    }
    raw.close();
  }
  const runs = Array.from({ length: CLIENTS }, (_, k) => monitor(k));
  while (acked.length < 200) await sleep(10);
  const exit = await srv.stop('SIGTERM');
  stop = true;
  await Promise.all(runs);
  assert.equal(exit.code, 0, `clean exit: ${srv.stderr()}`);
  assert.match(srv.stdout(), /SIGTERM received/);
  srv = await startClinic({ dir: srv.dir });
  who = await staff(srv, false);
  const obs = (await observations(who, sessionId)).observations;
  const count = new Map();
  for (const o of obs) count.set(o.at, (count.get(o.at) || 0) + 1);
  for (const m of acked) assert.equal(count.get(m.at), 4, `ACKed ${m.ctrl} is stored`);
  assert.ok(obs.length <= (acked.length + CLIENTS) * 4);
  await srv.stop();
});
