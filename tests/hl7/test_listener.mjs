// test_listener.mjs — the HL7 v2 listener of `ketaclinic serve --hl7-listen`, driven by a real
// MLLP client from npm (simple-hl7) and by a raw socket: ACK codes, and exactly what was stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startClinic, staff, patientInChair, observations, sendSimple, sendNhc, Raw, acks, oru, hl7Time,
  reviewQueue, VT, FS, CR } from './hl7_harness.mjs';

let srv, who, chair1, chair2, planned;

before(async () => {
  srv = await startClinic();
  who = await staff(srv);
  chair1 = await patientInChair(who, 'HED12', 'chair-1');
  chair2 = await patientInChair(who, 'MRN~ESC|2', 'chair-2');
  planned = await patientInChair(who, 'PLANNED-1', 'chair-3', false);
});
after(async () => { if (srv) await srv.stop(); });

const byCode = (obs) => Object.fromEntries(obs.map((o) => [o.code, o.value]));

test('a GE-style ORU^R01 is stored in the session and acknowledged AA with its control id', async () => {
  const before = (await observations(who, chair1.sessionId)).observations.length;
  const r = await sendSimple(srv.hl7Port, oru({ ctrl: 'GE-0001', mrn: 'HED12', hr: 81, spo2: 96, sbp: 121, dbp: 77 }));
  assert.equal(r.code, 'AA', r.text);
  assert.equal(r.ctrl, 'GE-0001');
  assert.match(r.text, /stored 4 observations/);
  // MSH of the ACK: sender and receiver swapped (reference §C3)
  assert.equal(r.ack.header.getField(3), 'VSP^080019FFFE134535^EUI-64');
  assert.equal(r.ack.header.getField(4), 'GE Healthcare');
  const v = await observations(who, chair1.sessionId);
  const fresh = v.observations.slice(before);
  assert.equal(fresh.length, 4, 'the X-status device row is not a reading');
  assert.deepEqual(byCode(fresh), { hr: 81, spo2: 96, sbp: 121, dbp: 77 });
  assert.deepEqual(fresh.map((o) => o.unit).sort(), ['%', '/min', 'mm[Hg]', 'mm[Hg]']);
});

test('node-hl7-client, a second npm MLLP peer, gets AA and its readings are stored', async () => {
  const n0 = (await observations(who, chair1.sessionId)).observations.length;
  const r = await sendNhc(srv.hl7Port, oru({ ctrl: 'NHC-1', mrn: 'HED12', sender: 'NHC', hr: 77, spo2: 95 }));
  assert.deepEqual([r.code, r.ctrl], ['AA', 'NHC-1'], r.text);
  const fresh = (await observations(who, chair1.sessionId)).observations.slice(n0);
  assert.deepEqual(byCode(fresh), { hr: 77, spo2: 95, sbp: 118, dbp: 76 });
});

test('a duplicate (same sender and control id) is acknowledged again but stored once', async () => {
  const msg = oru({ ctrl: 'DUP-1', mrn: 'HED12', hr: 66 });
  const n0 = (await observations(who, chair1.sessionId)).observations.length;
  assert.equal((await sendSimple(srv.hl7Port, msg)).code, 'AA');
  const again = await sendSimple(srv.hl7Port, msg);
  assert.equal(again.code, 'AA');
  assert.equal(again.ctrl, 'DUP-1');
  assert.match(again.text, /duplicate/);
  const n1 = (await observations(who, chair1.sessionId)).observations.length;
  assert.equal(n1 - n0, 4);
  // the same control id from another sender is another message
  assert.equal((await sendSimple(srv.hl7Port, oru({ ctrl: 'DUP-1', mrn: 'HED12', sender: 'OTHER' }))).code, 'AA');
  assert.equal((await observations(who, chair1.sessionId)).observations.length - n1, 4);
});

test('other encoding characters (MSH-1 #, MSH-2 $*@!) and escapes in the patient id', async () => {
  const at = hl7Time();
  // with these encoding characters, ~ and | are plain data: PID-3.1 is the MRN "MRN~ESC|2"
  const msg = [`MSH#$*@!#MON$7#WARD###${at}##ORU$R01#ENC-1#P#2.5`,
    'PID###MRN~ESC|2$$$H$MR',
    `OBX#1#NM#8867-4$Heart rate$LN##59#{beats}/min#####F###${at}`,
    `OBX#2#NM#8310-5$Temp$LN##98.6#[degF]#####F###${at}`].join('\r') + '\r';
  const r = await sendSimple(srv.hl7Port, msg);
  assert.equal(r.code, 'AA', r.text);
  assert.equal(r.ctrl, 'ENC-1');
  assert.equal(r.ack.header.getField(3), 'MON^7', 'echoed in the default encoding characters');
  const obs = (await observations(who, chair2.sessionId)).observations;
  assert.equal(obs.length, 2);
  assert.equal(byCode(obs).hr, 59);
  assert.ok(Math.abs(byCode(obs).temp - 37.0) < 1e-9, `98.6 degF is 37 Cel, got ${byCode(obs).temp}`);
});

test('escapes: PID-3 MRN\\R\\ESC\\F\\2 is the MRN "MRN~ESC|2"', async () => {
  const n0 = (await observations(who, chair2.sessionId)).observations.length;
  const r = await sendSimple(srv.hl7Port, oru({ ctrl: 'ESC-1', mrn: 'MRN\\R\\ESC\\F\\2', hr: 64 }));
  assert.equal(r.code, 'AA', r.text);
  const obs = (await observations(who, chair2.sessionId)).observations.slice(n0);
  assert.equal(byCode(obs).hr, 64);
});

test('a bed alone (PV1-3) finds the session in that chair; \\n line ends are tolerated', async () => {
  const n0 = (await observations(who, chair2.sessionId)).observations.length;
  const msg = oru({ ctrl: 'BED-1', bed: 'chair-2', hr: 70 }).replace(/\r/g, '\n');
  const r = await sendSimple(srv.hl7Port, msg);
  assert.equal(r.code, 'AA', r.text);
  assert.equal((await observations(who, chair2.sessionId)).observations.length - n0, 4);
});

test('a batch (FHS/BHS ... BTS/FTS) is answered with a batch of ACKs, each message filed', async () => {
  const n0 = (await observations(who, chair1.sessionId)).observations.length;
  const batch = 'FHS|^~\\&|GW|GE\rBHS|^~\\&|GW|GE\r' +
    oru({ ctrl: 'B-1', mrn: 'HED12', hr: 71 }) + oru({ ctrl: 'B-2', mrn: 'NOBODY' }) +
    oru({ ctrl: 'B-3', mrn: 'HED12', hr: 73 }) + 'BTS|3\rFTS|1\r';
  const raw = new Raw(srv.hl7Port);
  await raw.ready;
  await raw.write(VT + batch + FS + CR);
  const a = acks(await raw.frame());
  raw.close();
  assert.deepEqual(a.map((x) => [x.code, x.ctrl]), [['AA', 'B-1'], ['AE', 'B-2'], ['AA', 'B-3']]);
  assert.equal(a[1].err, '204');
  const obs = (await observations(who, chair1.sessionId)).observations.slice(n0);
  assert.deepEqual(obs.filter((o) => o.code === 'hr').map((o) => o.value), [71, 73]);
});

test('split reads (a byte at a time) and coalesced frames (two in one write)', async () => {
  const raw = new Raw(srv.hl7Port);
  await raw.ready;
  const one = VT + oru({ ctrl: 'SPLIT-1', mrn: 'HED12', hr: 90 }) + FS + CR;
  for (const ch of one) await raw.write(ch);
  assert.deepEqual(acks(await raw.frame()).map((x) => [x.code, x.ctrl]), [['AA', 'SPLIT-1']]);
  await raw.write(VT + oru({ ctrl: 'CO-1', mrn: 'HED12' }) + FS + CR + VT + oru({ ctrl: 'CO-2', mrn: 'HED12' }) + FS + CR);
  const a1 = acks(await raw.frame()), a2 = acks(await raw.frame());
  assert.deepEqual([a1[0].ctrl, a2[0].ctrl], ['CO-1', 'CO-2'], 'answered in order');
  assert.equal(a1[0].code + a2[0].code, 'AAAA');
  raw.close();
});

test('garbage: bytes outside frames are skipped, a frame that is not HL7 gets AR', async () => {
  const raw = new Raw(srv.hl7Port);
  await raw.ready;
  await raw.write('GET / HTTP/1.0\r\n\r\n');
  await raw.write(VT + 'this is not HL7' + FS + CR);
  const ar = acks(await raw.frame());
  assert.equal(ar[0].code, 'AR');
  assert.equal(ar[0].ctrl, '');
  assert.match(ar[0].text, /starts with MSH/);
  await raw.write(VT + 'MSH|^~\\&|X|Y|||||ORU^R01|BAD-SEG|P|2.6\rP\r' + FS + CR);
  const ar2 = acks(await raw.frame());
  assert.deepEqual([ar2[0].code, ar2[0].ctrl], ['AR', 'BAD-SEG'], 'the control id is echoed even so');
  await raw.write(VT + oru({ ctrl: 'AFTER-GARBAGE', mrn: 'HED12' }) + FS + CR);
  assert.equal(acks(await raw.frame())[0].code, 'AA', 'the connection is still usable');
  raw.close();
});

test('an oversized frame gets AR with its control id and nothing is stored', async () => {
  const n0 = (await observations(who, chair1.sessionId)).observations.length;
  const raw = new Raw(srv.hl7Port);
  await raw.ready;
  const big = oru({ ctrl: 'HUGE-1', mrn: 'HED12' }) + 'NTE|1||' + 'x'.repeat(1100000) + '\r';
  await raw.write(VT + big + FS + CR);
  const a = acks(await raw.frame());
  assert.deepEqual([a[0].code, a[0].ctrl], ['AR', 'HUGE-1']);
  assert.match(a[0].text, /larger than the limit/);
  await raw.write(VT + oru({ ctrl: 'AFTER-HUGE', mrn: 'HED12' }) + FS + CR);
  assert.equal(acks(await raw.frame())[0].code, 'AA');
  raw.close();
  assert.equal((await observations(who, chair1.sessionId)).observations.length - n0, 4);
});

test('a client that disconnects mid-frame: nothing of that frame is stored or queued', async () => {
  const n0 = (await observations(who, chair1.sessionId)).observations.length;
  const q0 = reviewQueue(srv).length;
  const raw = new Raw(srv.hl7Port);
  await raw.ready;
  const msg = oru({ ctrl: 'CUT-1', mrn: 'HED12', hr: 99 });
  await raw.write(VT + msg.slice(0, msg.length - 40));
  raw.close();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await observations(who, chair1.sessionId)).observations.length, n0);
  assert.equal(reviewQueue(srv).length, q0);
  // the monitor retries the whole message: stored once
  assert.equal((await sendSimple(srv.hl7Port, msg)).code, 'AA');
  const obs = (await observations(who, chair1.sessionId)).observations.slice(n0);
  assert.deepEqual(obs.filter((o) => o.code === 'hr').map((o) => o.value), [99]);
});

test('AE with a reason per reading (and a review-queue entry); the good readings beside a bad one stay', async () => {
  const cases = [
    [oru({ ctrl: 'AE-UNKNOWN', mrn: 'NOT-A-PATIENT' }), '204', /no patient has the identifier NOT-A-PATIENT/],
    [oru({ ctrl: 'AE-CHAIR', bed: 'chair-9' }), '207', /outside every session of chair 'chair-9'/],
    [oru({ ctrl: 'AE-IMPLAUSIBLE', mrn: 'HED12', hr: 480 }), '207', /implausible/],
    [oru({ ctrl: 'AE-UNIT', mrn: 'HED12' }).replace('mm[Hg]|', 'furlong|'), '103', /unit code 'furlong' is not known/],
  ];
  const n0 = (await observations(who, chair1.sessionId)).observations.length;
  for (const [msg, err, why] of cases) {
    const r = await sendSimple(srv.hl7Port, msg);
    assert.equal(r.code, 'AE', `${r.ctrl}: ${r.text}`);
    assert.equal(r.err, err, r.ctrl);
    assert.match(r.text, why);
  }
  const after = (await observations(who, chair1.sessionId)).observations.slice(n0);
  assert.ok(!after.some((o) => o.code === 'hr' && o.value === 480), 'the implausible HR is not stored');
  assert.equal(after.length, 3 + 3, 'the other readings of the two HED12 messages are');
  const q = reviewQueue(srv);
  for (const [msg] of cases) {
    const ctrl = msg.split('|')[9];
    assert.ok(q.some((e) => e.control_id === ctrl && e.status === 'open'), `${ctrl} in the review queue`);
  }
  assert.equal(q.find((e) => e.control_id === 'AE-UNKNOWN').patient_ref, 'NOT-A-PATIENT');
  // a retry of a message that got AE gets the same answer and is not queued twice
  assert.equal((await sendSimple(srv.hl7Port, cases[0][0])).code, 'AE');
  assert.equal(reviewQueue(srv).filter((e) => e.control_id === 'AE-UNKNOWN').length, 1);
  // a planned session (checked in, not started): the baseline readings are its own
  const planned = (await sendSimple(srv.hl7Port, oru({ ctrl: 'PLANNED-OK', mrn: 'PLANNED-1' })));
  assert.equal(planned.code, 'AA', planned.text);
});

test('AR for what we cannot process: another message type, no control id', async () => {
  const adt = 'MSH|^~\\&|ADT|H|||20260101||ADT^A01|ADT-1|P|2.5\rPID|||HED12\r';
  const r = await sendSimple(srv.hl7Port, adt);
  assert.deepEqual([r.code, r.ctrl, r.err], ['AR', 'ADT-1', '200']);
  const noId = await sendSimple(srv.hl7Port, oru({ ctrl: '', mrn: 'HED12' }));
  assert.deepEqual([noId.code, noId.err], ['AR', '101']);
});

test('the monitor simulator streams a hypertension scenario and the alarm rules see it', async () => {
  const s = await patientInChair(who, 'SIM-1', 'chair-7');
  const r = spawnSync(process.env.KC_BIN, ['hl7', 'send', '--to', `127.0.0.1:${srv.hl7Port}`,
    '--patient', 'SIM-1', '--chair', 'chair-7', '--rate', 'max', '--count', '61', '--scenario',
    'hypertension'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 61);
  assert.ok(lines.every((l) => / -> AA stored 6 observations/.test(l)));
  const v = await observations(who, s.sessionId);
  assert.equal(v.observations.length, 61 * 6);
  const sbp = v.observations.filter((o) => o.code === 'sbp').map((o) => o.value);
  assert.ok(Math.max(...sbp) >= 180, `systolic climbs: ${Math.max(...sbp)}`);
  assert.ok(v.alarms.some((a) => /^bp/.test(a.id)), `a BP alarm: ${JSON.stringify(v.alarms)}`);
  const bad = spawnSync(process.env.KC_BIN, ['hl7', 'send', '--to', `127.0.0.1:${srv.hl7Port}`,
    '--patient', 'SIM-1', '--scenario', 'panic'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--scenario 'panic'/);
});
