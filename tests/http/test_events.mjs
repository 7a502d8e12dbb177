// test_events.mjs — live updates for the chair screen as Server-Sent Events, read with the
// `eventsource` npm client (a WHATWG EventSource for Node): the first event at once, vitals
// written through the API and through the HL7 listener pushed within moments with the alarms of
// the clinical rules, other session changes as "session" events, resume with Last-Event-ID,
// roles, logout ending the stream, every pushed read audited, and a clean shutdown with streams
// open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { EventSource } from 'eventsource';
import { startClinic, staff, patientInChair, sendSimple, oru } from '../hl7/hl7_harness.mjs';
import { Client } from './server_harness.mjs';

let srv, who, sess, mrn;

before(async () => {
  srv = await startClinic();
  who = await staff(srv);
  mrn = 'EV-1';
  sess = await patientInChair(who, mrn, 'chair-7');
});
after(async () => { if (srv) await srv.stop(); });

// An EventSource that sends the client's session cookie (or bearer token), collecting events.
function open(client, path) {
  const got = [];
  const waiters = [];
  const es = new EventSource(srv.base + path, {
    fetch: (url, init) => fetch(url, { ...init, headers: { ...init.headers,
      ...(client.cookie ? { Cookie: client.cookie } : {}),
      ...(client.bearer ? { Authorization: `Bearer ${client.bearer}` } : {}) } }),
  });
  const push = (type) => (e) => {
    got.push({ type, id: e.lastEventId, data: JSON.parse(e.data) });
    for (const w of waiters.splice(0)) w();
  };
  for (const t of ['vitals', 'session', 'end']) es.addEventListener(t, push(t));
  const errors = [];
  es.onerror = (e) => { errors.push(e); for (const w of waiters.splice(0)) w(); };
  // Resolves with the first event (after index `from`) that satisfies pred; fails after 10 s.
  async function next(pred, from = 0) {
    const deadline = Date.now() + 10000;
    for (;;) {
      const hit = got.slice(from).find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no such event; got ${JSON.stringify(got)} errors ${errors.length}`);
      await new Promise((r) => { waiters.push(r); setTimeout(r, 200); });
    }
  }
  return { es, got, errors, next };
}

function audited(query) {
  return Number(execFileSync('sqlite3', [`${srv.dir}/kc.db`, query], { encoding: 'utf8' }).trim());
}

test('the stream starts with the vitals so far, then pushes API writes with their alarms', async () => {
  const first = await who.nurse.post(`/api/sessions/${sess.sessionId}/vitals`, { observations: [{ code: 'hr', value: 72 }] });
  assert.equal(first.status, 201);
  const s = open(who.nurse, `/api/sessions/${sess.sessionId}/events`);
  try {
    const e0 = await s.next((e) => e.type === 'vitals');
    assert.equal(e0.data.session_id, sess.sessionId);
    assert.equal(e0.data.observations.length, 1);
    assert.equal(e0.data.observations[0].code, 'hr');
    assert.equal(e0.id, String(e0.data.last_id));
    const readsBefore = audited(`SELECT count(*) FROM audit_log WHERE user_name='nurse' AND action='read' AND resource_type='Observation'`);

    // a systolic pressure past the threshold: the pushed event carries the observation and the alarm
    const w = await who.nurse.post(`/api/sessions/${sess.sessionId}/vitals`, { observations: [{ code: 'sbp', value: 190 }, { code: 'dbp', value: 96 }] });
    assert.equal(w.status, 201);
    const e1 = await s.next((e) => e.type === 'vitals' && e.data.observations.some((o) => o.code === 'sbp'), 1);
    assert.deepEqual(e1.data.observations.map((o) => [o.code, o.value]), [['sbp', 190], ['dbp', 96]]);
    assert.ok(Number(e1.id) > Number(e0.id));
    const alarm = e1.data.alarms.find((a) => a.id === 'bp-high');
    assert.ok(alarm && /190\/96 above 180\/110/.test(alarm.text), `an alarm for the systolic pressure: ${JSON.stringify(e1.data.alarms)}`);
    assert.ok(alarm.source.length > 0, 'the alarm names its source');
    // the pushed read is in the audit log like any other read
    assert.ok(audited(`SELECT count(*) FROM audit_log WHERE user_name='nurse' AND action='read' AND resource_type='Observation'`) > readsBefore);

    // another change to the session: a "session" event
    const n = s.got.length;
    const se = await who.nurse.post(`/api/sessions/${sess.sessionId}/side-effects`, { code: 'nausea', severity: 'mild' });
    assert.equal(se.status, 201, JSON.stringify(se.json));
    const e2 = await s.next((e) => e.type === 'session', n);
    assert.equal(e2.data.session_id, sess.sessionId);
  } finally {
    s.es.close();
  }
});

test('readings from a bedside monitor (HL7 listener) are pushed too', async () => {
  const s = open(who.nurse, `/api/sessions/${sess.sessionId}/events`);
  try {
    await s.next((e) => e.type === 'vitals');
    const n = s.got.length;
    const ack = await sendSimple(srv.hl7Port, oru({ ctrl: 'EV-HL7-1', mrn, hr: 131, spo2: 95, sbp: 122, dbp: 80 }));
    assert.equal(ack.code, 'AA', ack.text);
    const e = await s.next((x) => x.type === 'vitals' && x.data.observations.some((o) => o.code === 'hr' && o.value === 131), n);
    assert.ok(e.data.observations.some((o) => o.code === 'spo2' && o.value === 95));
  } finally {
    s.es.close();
  }
});

test('a reconnecting client resumes after Last-Event-ID', async () => {
  const all = await who.nurse.get(`/api/sessions/${sess.sessionId}/vitals`);
  const last = all.json.last_id;
  await who.nurse.post(`/api/sessions/${sess.sessionId}/vitals`, { observations: [{ code: 'spo2', value: 93 }] });
  const r = await fetch(`${srv.base}/api/sessions/${sess.sessionId}/events`, { headers: { Cookie: who.nurse.cookie, 'Last-Event-ID': String(last) } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/event-stream/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const reader = r.body.getReader();
  let text = '';
  while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();
  const data = JSON.parse(text.match(/^data: (.*)$/m)[1]);
  assert.deepEqual(data.observations.map((o) => [o.code, o.value]), [['spo2', 93]], 'only what came after the id');
  const bad = await fetch(`${srv.base}/api/sessions/${sess.sessionId}/events`, { headers: { Cookie: who.nurse.cookie, 'Last-Event-ID': 'abc' } });
  assert.equal(bad.status, 400);
  await bad.text();
});

test('roles and sessions: the front desk may not open it, an unknown session is 404, logout ends it', async () => {
  const d = await fetch(`${srv.base}/api/sessions/${sess.sessionId}/events`, { headers: { Cookie: who.desk.cookie } });
  assert.equal(d.status, 403);
  await d.text();
  const none = await fetch(`${srv.base}/api/sessions/999999/events`, { headers: { Cookie: who.nurse.cookie } });
  assert.equal(none.status, 404);
  await none.text();
  const anon = await fetch(`${srv.base}/api/sessions/${sess.sessionId}/events`);
  assert.equal(anon.status, 401);
  await anon.text();

  // a second nurse login, streamed, then logged out: the next change ends the stream
  const n2 = new Client(srv.base);
  assert.equal((await n2.login('nurse', 'correct horse battery staple')).status, 200);
  const s = open(n2, `/api/sessions/${sess.sessionId}/events`);
  try {
    await s.next((e) => e.type === 'vitals');
    assert.equal((await n2.post('/api/logout', {})).status, 200);
    await who.nurse.post(`/api/sessions/${sess.sessionId}/vitals`, { observations: [{ code: 'hr', value: 77 }] });
    const end = await s.next((e) => e.type === 'end');
    assert.match(end.data.reason, /log in again/);
    assert.ok(!s.got.some((e) => e.type === 'vitals' && e.data.observations.some((o) => o.value === 77)),
      'nothing is pushed after the logout');
  } finally {
    s.es.close();
  }
});

test('SIGTERM with streams open: they end and the server exits cleanly', async () => {
  const streams = [open(who.nurse, `/api/sessions/${sess.sessionId}/events`), open(who.nurse, `/api/sessions/${sess.sessionId}/events`)];
  try {
    for (const s of streams) await s.next((e) => e.type === 'vitals');
    const t0 = Date.now();
    const { code } = await srv.stop('SIGTERM');
    assert.equal(code, 0, srv.stderr());
    // far below the 10 s the server gives requests in flight: streams do not hold it up
    assert.ok(Date.now() - t0 < 9000, `shutdown took ${Date.now() - t0} ms`);
    srv = null;
  } finally {
    for (const s of streams) s.es.close();
  }
});
