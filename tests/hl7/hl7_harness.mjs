// hl7_harness.mjs — the real server with its HL7 listener on free ports, a clinic with a nurse
// and front-desk account, sessions in progress, and two MLLP clients: simple-hl7 (a real HL7 v2
// peer from npm) and a raw socket for what no polite client does (split frames, garbage, cuts).
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startServer, Client } from '../http/server_harness.mjs';

const require = createRequire(import.meta.url);
export const hl7 = require('simple-hl7');

export const VT = '\x0b', FS = '\x1c', CR = '\r';
const pw = 'correct horse battery staple';

export async function startClinic(opts = {}) {
  const srv = await startServer({ ...opts, extra: ['--hl7-listen', '127.0.0.1:0', ...(opts.extra || [])] });
  const m = srv.stdout().match(/HL7 MLLP listening on 127\.0\.0\.1:(\d+)/);
  if (!m) throw new Error(`no HL7 port in: ${srv.stdout()}`);
  srv.hl7Port = Number(m[1]);
  return srv;
}

// Logs in (creating the staff accounts on a fresh database) and returns {nurse, desk}.
export async function staff(srv, create = true) {
  const admin = new Client(srv.base);
  if (create) {
    const r = await admin.login('admin', srv.adminPassword);
    if (r.status !== 200) throw new Error(`admin login: ${r.status}`);
    for (const [name, role] of [['nurse', 'nurse'], ['desk', 'front-desk']]) {
      const c = await admin.post('/api/users', { name, role, display_name: name, password: pw });
      if (c.status !== 201) throw new Error(`user ${name}: ${JSON.stringify(c.json)}`);
    }
  }
  const nurse = new Client(srv.base), desk = new Client(srv.base);
  if ((await nurse.login('nurse', pw)).status !== 200) throw new Error('nurse login');
  if ((await desk.login('desk', pw)).status !== 200) throw new Error('desk login');
  return { nurse, desk };
}

// A patient with a session; started unless start === false.  Returns {patientId, sessionId}.
export async function patientInChair(who, mrn, chair, start = true) {
  const p = await who.desk.post('/api/patients', { mrn, family_name: 'Monitor', given_name: 'Test',
    birth_date: '1980-01-01', sex: 'female' });
  if (p.status !== 201) throw new Error(`patient ${mrn}: ${JSON.stringify(p.json)}`);
  const s = await who.desk.post('/api/sessions', { patient_id: p.json.id, chair,
    planned_at: new Date().toISOString() });
  if (s.status !== 201) throw new Error(`session: ${JSON.stringify(s.json)}`);
  if (start) {
    const st = await who.nurse.post(`/api/sessions/${s.json.id}/status`, { status: 'started' });
    if (st.status !== 200) throw new Error(`start: ${JSON.stringify(st.json)}`);
  }
  return { patientId: p.json.id, sessionId: s.json.id };
}

export async function observations(who, sessionId) {
  const r = await who.nurse.get(`/api/sessions/${sessionId}/vitals`);
  if (r.status !== 200) throw new Error(`vitals: ${r.status} ${r.text}`);
  return r.json;
}

// Sends one message with simple-hl7's TCP client; resolves to {code, ctrl, text, ack}.
export function sendSimple(port, text) {
  return new Promise((resolve, reject) => {
    const client = hl7.Server.createTcpClient({ host: '127.0.0.1', port, keepalive: false });
    client.send(text, (err, ack) => {
      if (err) return reject(err);
      const msa = ack.getSegment('MSA');
      resolve({ code: msa.getField(1), ctrl: msa.getField(2), text: msa.getField(3), ack,
                err: ack.getSegment('ERR') ? ack.getSegment('ERR').getComponent(3, 1) : '' });
    });
  });
}

// A raw MLLP connection: write bytes as you like, read whole reply frames.
export class Raw {
  constructor(port) {
    this.buf = '';
    this.waiters = [];
    this.closed = false;
    this.sock = net.connect({ host: '127.0.0.1', port });
    this.sock.setNoDelay(true);
    this.sock.setEncoding('latin1');
    this.ready = new Promise((res, rej) => { this.sock.on('connect', res); this.sock.on('error', rej); });
    this.sock.on('data', (d) => { this.buf += d; this.pump(); });
    this.sock.on('close', () => { this.closed = true; this.pump(); });
  }
  pump() {
    for (;;) {
      const end = this.buf.indexOf(FS + CR);
      if (end < 0 || !this.waiters.length) break;
      const start = this.buf.indexOf(VT);
      const frame = this.buf.slice(start + 1, end);
      this.buf = this.buf.slice(end + 2);
      this.waiters.shift().resolve(frame);
    }
    if (this.closed) while (this.waiters.length) this.waiters.shift().reject(new Error('closed'));
  }
  write(s) { return new Promise((res) => this.sock.write(Buffer.from(s, 'latin1'), res)); }
  frame() { return new Promise((resolve, reject) => { this.waiters.push({ resolve, reject }); this.pump(); }); }
  close() { this.sock.destroy(); }
}

// MSA-1, MSA-2, MSA-3 and ERR-3.1 of each ACK in a reply frame (several in a batch reply).
export function acks(frame) {
  const out = [];
  let cur = null;
  for (const seg of frame.split('\r')) {
    const f = seg.split('|');
    if (f[0] === 'MSA') { cur = { code: f[1], ctrl: f[2], text: f[3] || '', err: '' }; out.push(cur); }
    if (f[0] === 'ERR' && cur) cur.err = (f[3] || '').split('^')[0];
  }
  return out;
}

export function hl7Time(d = new Date()) {
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}` +
    `${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}+0000`;
}

// An ORU^R01 shaped like the GE B40 sample (reference §C3) with our values.
export function oru({ ctrl, mrn = '', bed = '', sender = 'VSP^080019FFFE134535^EUI-64', at = hl7Time(),
                      hr = 80, spo2 = 97, sbp = 118, dbp = 76, extra = '' }) {
  return [
    `MSH|^~\\&|${sender}|GE Healthcare|||${at}||ORU^R01^ORU_R01|${ctrl}|P|2.6|||NE|AL||UNICODE UTF-8`,
    `PID|||${mrn}^^^PID^MR||LAZY^KITTY`,
    `PV1||R|SURGERY^^${bed}`,
    `OBR|1|080019FFFE134535^VSP^080019FFFE134535^EUI-64|1^VSP|182777000^monitoring of patient^SCT|||${at}`,
    'OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X',
    `OBX|2|NM|147842^MDC_ECG_HEART_RATE^MDC|1.5.1.1|${hr}|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||${at}`,
    `OBX|3|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.6.1.1|${spo2}|262688^MDC_DIM_PERCENT^MDC|||||R|||${at}`,
    `OBX|4|NM|8480-6^Systolic^LN||${sbp}|mm[Hg]|||||F|||${at}`,
    `OBX|5|NM|8462-4^Diastolic^LN||${dbp}|mm[Hg]|||||F|||${at}`,
  ].join('\r') + '\r' + extra;
}

// The review queue, read with the CLI from the server's database.
export function reviewQueue(srv) {
  const r = spawnSync(process.env.KC_BIN, ['hl7', 'review', '--db', join(srv.dir, 'kc.db'),
    '--audit-key', join(srv.dir, 'audit.key'), '--user', 'test', '--role', 'admin'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hl7 review: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

// Sends one message with node-hl7-client 3.2.0 (a second npm MLLP peer); resolves to
// {code, ctrl, text} from its parsed ACK.
export async function sendNhc(port, text) {
  const { Client, Message } = require('node-hl7-client');
  const client = new Client({ host: '127.0.0.1' });
  let conn;
  const got = new Promise((resolve) => {
    conn = client.createConnection({ port, waitAck: true }, async (res) => resolve(res.getMessage()));
  });
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('node-hl7-client did not connect')), 5000);
    conn.on('connect', () => { clearTimeout(t); resolve(); });
  });
  await conn.sendMessage(new Message({ text }));
  const ack = await Promise.race([got, new Promise((_, rej) => setTimeout(() => rej(new Error('no ACK')), 5000))]);
  await conn.close();
  return { code: ack.get('MSA.1').toString(), ctrl: ack.get('MSA.2').toString(), text: ack.get('MSA.3').toString() };
}
