// test_listener_limits.mjs — the listener's guard (--hl7-config): a sender not on the allowlist
// is closed before a byte is read; more connections from one address than max_per_address are
// closed; a connection with no traffic for idle_timeout_s is closed; an unknown key in the file
// stops the server with the key named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startClinic, staff, patientInChair, Raw, acks, oru, VT, FS, CR } from './hl7_harness.mjs';

const dir = mkdtempSync(join(tmpdir(), 'kc-hl7cfg-'));
const cfg = (name, obj) => { const p = join(dir, name); writeFileSync(p, JSON.stringify(obj)); return p; };
const closed = (raw) => new Promise((res) => { if (raw.closed) res(); raw.sock.on('close', res); });

test('a sender not on the allowlist gets no answer: the connection is closed', async () => {
  const srv = await startClinic({ extra: ['--hl7-config', cfg('deny.json', { allow: ['10.9.9.0/24'] })] });
  try {
    const raw = new Raw(srv.hl7Port);
    await raw.ready;
    await raw.write(VT + oru({ ctrl: 'DENY-1', mrn: 'X' }) + FS + CR);
    await closed(raw);
    await assert.rejects(raw.frame(), /closed/);
  } finally { await srv.stop(); }
});

test('per-address limit and idle timeout; an allowed sender is served', async () => {
  const srv = await startClinic({ extra: ['--hl7-config', cfg('lim.json',
    { allow: ['127.0.0.1'], max_per_address: 2, idle_timeout_s: 1 })] });
  try {
    const who = await staff(srv);
    await patientInChair(who, 'LIM-1', 'chair-l');
    const a = new Raw(srv.hl7Port), b = new Raw(srv.hl7Port);
    await Promise.all([a.ready, b.ready]);
    await a.write(VT + oru({ ctrl: 'LIM-A', mrn: 'LIM-1' }) + FS + CR);
    assert.equal(acks(await a.frame())[0].code, 'AA');
    const c = new Raw(srv.hl7Port); // the third from the same address: closed, never answered
    await c.ready.catch(() => {});
    await c.write(VT + oru({ ctrl: 'LIM-C', mrn: 'LIM-1' }) + FS + CR).catch(() => {});
    await assert.rejects(c.frame(), /closed/);
    // a and b send nothing more: the idle timeout closes them
    await Promise.all([closed(a), closed(b)]);
    const d = new Raw(srv.hl7Port); // the slots are free again
    await d.ready;
    await d.write(VT + oru({ ctrl: 'LIM-D', mrn: 'LIM-1' }) + FS + CR);
    assert.equal(acks(await d.frame())[0].code, 'AA');
    d.close();
  } finally { await srv.stop(); }
});

test('an unknown key in the HL7 configuration stops serve with the key named', () => {
  const r = spawnSync(process.env.KC_BIN, ['serve', '--listen', '127.0.0.1:0', '--db', join(dir, 'x.db'),
    '--audit-key', join(dir, 'x.key'), '--hl7-listen', '127.0.0.1:0', '--hl7-config',
    cfg('bad.json', { alow: ['127.0.0.1'] })], { encoding: 'utf8', timeout: 20000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /unknown key 'alow'/);
});
