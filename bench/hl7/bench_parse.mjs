// bench_parse.mjs — the same messages through npm HL7 v2 parsers (simple-hl7 3.3.0 and
// node-hl7-client 3.2.0, pinned in package.json), reading the same fields the listener reads
// (MSH-10, PID-3.1, PV1-3.3, each OBX-3.1, OBX-5, OBX-6.1), best of 5 runs.
// Usage: node bench/hl7/bench_parse.mjs MESSAGES_FILE (written by bench_parse)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const simple = require('simple-hl7');
const nhc = require('node-hl7-client');

const msgs = readFileSync(process.argv[2], 'latin1').split('\n').filter(Boolean);
const bytes = msgs.reduce((s, m) => s + m.length, 0);

function run(name, fn, rounds) {
  let best = 0, sink = 0;
  for (let rep = 0; rep < 5; rep++) {
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < rounds; r++) for (const m of msgs) sink += fn(m);
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    best = Math.max(best, (rounds * msgs.length) / dt);
  }
  if (!sink) throw new Error(`${name}: nothing read`);
  console.log(`${name.padEnd(33)} ${best.toFixed(0).padStart(10)} messages/s ` +
    `${(best * bytes / msgs.length / 1e6).toFixed(1).padStart(8)} MB/s`);
  return best;
}

const sp = new simple.Parser({ segmentSeperator: '\r' });
run('simple-hl7 3.3.0 parse + fields', (m) => {
  const msg = sp.parse(m);
  let n = msg.header.getField(8).length;
  const pid = msg.getSegment('PID');
  if (pid) n += pid.getComponent(3, 1).length;
  const pv1 = msg.getSegment('PV1');
  if (pv1) n += pv1.getComponent(3, 3).length;
  for (const o of msg.getSegments('OBX')) n += o.getComponent(3, 1).length + o.getField(5).length + o.getComponent(6, 1).length;
  return n;
}, 5);

run('node-hl7-client 3.2.0 parse + fields', (m) => {
  const msg = new nhc.Message({ text: m });
  let n = String(msg.get('MSH.10').toString()).length;
  n += String(msg.get('PID.3.1').toString()).length + String(msg.get('PV1.3.3').toString()).length;
  msg.get('OBX').forEach((o) => {
    n += String(o.get('3.1').toString()).length + String(o.get(5).toString()).length +
      String(o.get('6.1').toString()).length;
  });
  return n;
}, 5);
