import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { connUid, CONN_UID_LENGTH } from './uid.ts';

const FORMAT = /^C[0-9A-Za-z]{10,22}$/;

// 10.0.0.1:502 -> 10.0.0.2:49152 TCP, no VLAN
const KEY = [0x0a000001, 502, 0x0a000002, 49152, 6, 0];
const TS = 1700000000.123456;
// connUid(KEY, TS) as first released: a change to the mixing would break joins with
// records written by earlier versions, so it must be deliberate.
const PINNED = 'C3l3jMT1CzS0i0Gn57Q';

test('format: "C" and base62, fixed length', () => {
  const uid = connUid(KEY, TS);
  assert.match(uid, FORMAT);
  assert.equal(uid.length, CONN_UID_LENGTH);
  assert.equal(connUid([], 0).length, CONN_UID_LENGTH);
  assert.match(connUid([], 0), FORMAT);
  assert.match(connUid([0xffffffff, -1, 2 ** 40], -1), FORMAT);
});

test('deterministic for the same inputs, including typed arrays', () => {
  assert.equal(connUid(KEY, TS), connUid([...KEY], TS));
  assert.equal(connUid(KEY, TS), connUid(Uint32Array.from(KEY), TS));
  assert.equal(connUid(KEY, TS), connUid(Int32Array.from(KEY), TS));
  assert.equal(connUid(KEY, TS), PINNED);
});

test('same uid in a worker thread', async () => {
  const url = new URL('./uid.ts', import.meta.url).href;
  const src = `
    import { parentPort, workerData } from 'node:worker_threads';
    const { connUid } = await import(workerData.url);
    parentPort.postMessage(connUid(workerData.key, workerData.ts));
  `;
  const worker = new Worker(src, { eval: true, workerData: { url, key: KEY, ts: TS } });
  const got = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.equal(got, connUid(KEY, TS));
});

test('every input matters', () => {
  const base = connUid(KEY, TS);
  for (let i = 0; i < KEY.length; i++) {
    const k = [...KEY];
    k[i] ^= 1;
    assert.notEqual(connUid(k, TS), base, `word ${i}`);
  }
  assert.notEqual(connUid(KEY, TS + 1e-6), base);
  assert.notEqual(connUid(KEY.slice(0, 5), TS), base);
  assert.notEqual(connUid([...KEY, 0], TS), base);
  // Swapping the endpoints is a different key (direction is part of a conn record).
  assert.notEqual(connUid([KEY[2], KEY[3], KEY[0], KEY[1], 6, 0], TS), base);
});

test('no collision among 1e5 distinct inputs', () => {
  const seen = new Set<string>();
  let n = 0;
  // Structured, low-entropy inputs: consecutive hosts, ports and timestamps, the kind a
  // plant network produces (one PLC polled by many clients, sequential ports).
  for (let host = 0; host < 50; host++) {
    for (let port = 0; port < 1000; port++) {
      seen.add(connUid([0xc0a80000 + host, 40000 + port, 0xc0a80a01, 502, 6, 0], 1700000000 + host * 0.001));
      n++;
    }
  }
  // Same key, timestamps a microsecond apart.
  for (let i = 0; i < 25000; i++) {
    seen.add(connUid(KEY, 1700000000 + i * 1e-6));
    n++;
  }
  // Same everything but the VLAN id.
  for (let vlan = 0; vlan < 25000; vlan++) {
    seen.add(connUid([0x0a000001, 502, 0x0a000002, 49152, 6, vlan], TS));
    n++;
  }
  assert.equal(n, 100000);
  assert.equal(seen.size, n);
});
