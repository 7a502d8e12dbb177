// test_corpus.mjs — every real monitor message of tests/hl7/corpus/real/ (SOURCES.md) sent over
// MLLP to the real listener, once with each npm peer (simple-hl7, node-hl7-client) against a
// fresh server, and the stored rows compared with the hand-written readings of expected.json:
// never AA with a reading dropped, filed to the wrong patient, in the wrong unit or at the wrong
// time; every refused reading named in an ERR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { startClinic, staff, patientInChair, sendSimple, sendNhc } from './hl7_harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = join(here, 'corpus');
const expected = JSON.parse(readFileSync(join(corpus, 'expected.json'), 'utf8'));
const files = readdirSync(join(corpus, 'real')).filter((f) => f.endsWith('.hl7')).sort();
const CHAIRS = { 'CHAIR-VS900': 'chair-vs900', 'CHAIR-EGW5': 'chair-egw5' };
// patients named by messages whose readings are all refused: they exist, with a session at the
// message's time, so that what refuses them is the reading itself
const EXTRA = { 'GECS-4': ['2025-03-10T16:15:00.000Z'], 'MRVS-1': ['2020-02-12T04:50:08.000Z'] };

function sql(srv, q) {
  const r = spawnSync('sqlite3', ['-json', join(srv.dir, 'kc.db'), q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

// Every patient of the expectations with one session whose times hold its readings.
async function clinic(peer) {
  const srv = await startClinic({ extra: ['--hl7-config', join(corpus, 'corpus_config.json')] });
  const who = await staff(srv);
  const times = new Map(Object.entries(EXTRA));
  for (const [name, e] of Object.entries(expected)) {
    if (name.startsWith('_')) continue;
    for (const r of [...(e.vitals || []), ...(e.channels || [])]) {
      const t = r[r.length - 1];
      times.set(r[0], [...(times.get(r[0]) || []), t]);
    }
  }
  for (const [mrn, ts] of times) {
    const { sessionId } = await patientInChair(who, mrn, CHAIRS[mrn] || `chair-${mrn}`);
    const ms = ts.map((t) => Date.parse(t));
    const from = new Date(Math.min(...ms) - 5 * 60000).toISOString();
    const to = new Date(Math.max(...ms) + 5 * 60000).toISOString();
    sql(srv, `UPDATE sessions SET status = 'ended', planned_at = '${from}', started_at = '${from}', ` +
      `ended_at = '${to}' WHERE id = ${sessionId}`);
  }
  return { srv, who, peer };
}

const round = (v) => Math.round(Number(v) * 1000) / 1000;
const key = (a) => JSON.stringify(a.map((x) => (typeof x === 'number' ? round(x) : x)));

for (const peer of ['simple-hl7', 'node-hl7-client']) {
  test(`the real-message corpus through ${peer}: acknowledgements and stored rows as read by hand`, async () => {
    assert.ok(files.length >= 25, `${files.length} messages`);
    const { srv } = await clinic(peer);
    try {
      for (const f of files) {
        const name = f.replace(/\.hl7$/, '');
        const e = expected[name];
        assert.ok(e, `${name} has hand-written expectations`);
        const text = readFileSync(join(corpus, 'real', f), 'latin1');
        const r = peer === 'simple-hl7' ? await sendSimple(srv.hl7Port, text) : await sendNhc(srv.hl7Port, text);
        assert.equal(r.code, e.ack, `${name}: ${r.code} ${r.text}`);
        if (peer === 'simple-hl7' && e.ack === 'AE') {
          const locs = r.ack.getSegments('ERR').map((s) => Number(s.getComponent(2, 2))).filter((n) => n > 0);
          assert.deepEqual([...new Set(locs)].sort((a, b) => a - b), e.refused || [], `${name}: ERR per refused OBX (${r.text})`);
        }
      }
      const want = [], wantCh = [];
      for (const [name, e] of Object.entries(expected)) {
        if (name.startsWith('_')) continue;
        for (const v of e.vitals || []) want.push(key(v));
        for (const c of e.channels || []) wantCh.push(key(c));
      }
      const got = sql(srv, 'SELECT p.mrn, v.code, v.value, v.at FROM vitals v JOIN sessions s ON s.id = v.session_id ' +
        'JOIN patients p ON p.id = s.patient_id').map((x) => key([x.mrn, x.code, x.value, x.at]));
      const gotCh = sql(srv, "SELECT p.mrn, r.code, r.channel, r.value, r.at FROM hl7_readings r JOIN sessions s ON " +
        "s.id = r.session_id JOIN patients p ON p.id = s.patient_id WHERE r.status = 'channel'")
        .map((x) => key([x.mrn, x.code, x.channel, x.value, x.at]));
      assert.deepEqual(got.sort(), want.sort(), 'the alarm series: every expected reading, nothing else');
      assert.deepEqual(gotCh.sort(), wantCh.sort(), 'the other channels: every expected reading, nothing else');
      const review = sql(srv, "SELECT count(*) AS n FROM hl7_readings WHERE status = 'review'")[0].n;
      assert.equal(review, 0, 'no reading of a known patient held for review');
    } finally {
      await srv.stop();
    }
  });
}
