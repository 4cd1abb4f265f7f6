import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, linkSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NdjsonWriter, RecordOutput, registerZeekFields, zeekFieldsFor } from './ndjson.ts';
import { CONN_ZEEK_FIELDS, type ConnRecord } from './conn-fields.ts';
import { isPalisadeError, type PalisadeError } from '../core/errors.ts';
import { zeekCut, readZeekField } from '../../test/support/zeek-cut.ts';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-ndjson-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function lines(path: string): unknown[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
}

function isOutputError(path: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(isPalisadeError(e), `not a PalisadeError: ${String(e)}`);
    const pe = e as PalisadeError;
    assert.equal(pe.code, 'E_OUTPUT');
    assert.equal(pe.exitCode, 6);
    assert.equal(pe.file, path);
    assert.ok(pe.message.includes(path), pe.message);
    return true;
  };
}

test('the file appears with the first record, and only then', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'conn.ndjson');
  const w = new NdjsonWriter(path);
  assert.equal(existsSync(path), false);
  w.write({ ts: 1, uid: 'C1' });
  assert.equal(existsSync(path), true);
  // Buffered: nothing written yet.
  assert.equal(statSync(path).size, 0);
  w.write({ ts: 2, uid: 'C2', skipped: undefined });
  await w.close();
  assert.deepEqual(lines(path), [{ ts: 1, uid: 'C1' }, { ts: 2, uid: 'C2' }]);
  assert.equal(w.records, 2);
  assert.throws(() => w.write({}), /closed/);
  await w.close();
});

test("an earlier run's file is replaced by a new one, not truncated (a hard link to it keeps its lines); a symbolic link is written through", async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'conn.ndjson');
  writeFileSync(path, '{"old":1}\n');
  linkSync(path, join(dir, 'kept.ndjson'));
  const w = new NdjsonWriter(path);
  w.write({ ts: 1 });
  await w.close();
  assert.deepEqual(lines(path), [{ ts: 1 }]);
  assert.deepEqual(lines(join(dir, 'kept.ndjson')), [{ old: 1 }]);
  const target = join(dir, 'target.ndjson');
  writeFileSync(target, '{"old":2}\n');
  symlinkSync(target, join(dir, 'link.ndjson'));
  const l = new NdjsonWriter(join(dir, 'link.ndjson'));
  l.write({ ts: 2 });
  await l.close();
  assert.ok(lstatSync(join(dir, 'link.ndjson')).isSymbolicLink());
  assert.deepEqual(lines(target), [{ ts: 2 }]);
});

test('no records, no file', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'modbus.ndjson');
  await new NdjsonWriter(path).close();
  assert.equal(existsSync(path), false);
});

test('writes in large pieces once the buffer fills', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'x.ndjson');
  const w = new NdjsonWriter(path, { flushChars: 1000 });
  for (let i = 0; i < 100; i++) w.write({ i, pad: 'p'.repeat(20) });
  // About 3000 characters: some pieces were written, the tail is still buffered.
  const before = statSync(path).size;
  assert.ok(before >= 1000, `written before close: ${before}`);
  await w.close();
  assert.ok(statSync(path).size > before);
  const got = lines(path) as Array<{ i: number }>;
  assert.deepEqual(got.map((r) => r.i), Array.from({ length: 100 }, (_, i) => i));
});

test('lines longer than the buffer, non-ASCII text and text from elsewhere keep their order and bytes', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'y.ndjson');
  const w = new NdjsonWriter(path, { flushChars: 1000 });
  const want: unknown[] = [];
  for (let i = 0; i < 60; i++) {
    const r = { i, note: i % 10 === 0 ? 'é✓'.repeat(800) : `ünï ${i}`, lone: i === 7 ? '\ud800' : undefined };
    w.write(r);
    want.push(JSON.parse(JSON.stringify(r)));
    if (i % 20 === 5) {
      const text = `{"i":"text ${i}","note":"ß"}\n`;
      w.writeText(i % 40 === 5 ? text : new TextEncoder().encode(text), 1);
      want.push({ i: `text ${i}`, note: 'ß' });
    }
  }
  await w.close();
  assert.deepEqual(lines(path), want);
  assert.equal(w.records, want.length);
  assert.equal(readFileSync(path, 'utf8').split('\n').length, want.length + 1);
});


test('a tapped writer: the file and the tap get every line once, whatever buffers the tap hands out', async (t) => {
  const dir = tempDir(t);
  // Buffers that stay usable after they are handed over (a shared pool's), buffers that are
  // detached (transferred), and plain ones: the line that fills a buffer goes to the next.
  for (const kind of ['shared', 'detached', 'plain'] as const) {
    const path = join(dir, `${kind}.ndjson`);
    const tapped: string[] = [];
    const w = new NdjsonWriter(path, {
      flushChars: 1000,
      tap: {
        buffer: (n) => (kind === 'shared' ? Buffer.from(new SharedArrayBuffer(n)) : Buffer.allocUnsafeSlow(n)),
        lines: (b) => {
          tapped.push(Buffer.from(b).toString('utf8'));
          if (kind === 'detached') structuredClone(b.buffer, { transfer: [b.buffer as ArrayBuffer] });
          // What the writer handed over is the tap's: writing into it again would show here.
          else b.fill(0x21);
        },
      },
    });
    const want: unknown[] = [];
    for (let i = 0; i < 300; i++) {
      const r = { i, pad: 'p'.repeat(i % 50), long: i % 97 === 0 ? 'l'.repeat(1500) : undefined };
      w.write(r);
      want.push(JSON.parse(JSON.stringify(r)));
    }
    await w.close();
    assert.deepEqual(lines(path), want, `${kind}: the file`);
    assert.ok(tapped.length > 10, `${kind}: ${tapped.length} buffers`);
    assert.deepEqual(tapped.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l)), want, `${kind}: the tap`);
  }
});
test('write errors become E_OUTPUT naming the file and what to do', { skip: !existsSync('/dev/full') }, async () => {
  // /dev/full accepts open() and fails every write with ENOSPC.
  const w = new NdjsonWriter('/dev/full', { flushChars: 10 });
  assert.throws(() => w.write({ a: 'more than ten characters' }), (e: unknown) => {
    isOutputError('/dev/full')(e);
    assert.match((e as Error).message, /disk space/);
    return true;
  });
  await w.close(); // the failed text is dropped; closing still works
});

test('a missing directory fails at the first record with E_OUTPUT', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'nope', 'conn.ndjson');
  const w = new NdjsonWriter(path);
  assert.throws(() => w.write({}), (e: unknown) => {
    isOutputError(path)(e);
    assert.match((e as Error).message, /exists/);
    return true;
  });
});

test('RecordOutput: one NDJSON file per record type produced', async (t) => {
  const dir = join(tempDir(t), 'out', 'run1');
  const out = new RecordOutput(dir);
  assert.equal(existsSync(dir), false);
  out.write('conn', { uid: 'C1' });
  out.write('modbus', { uid: 'C1', func: 3 });
  out.write('conn', { uid: 'C2' });
  await out.close();
  assert.deepEqual(readdirSync(dir).sort(), ['conn.ndjson', 'modbus.ndjson']);
  assert.deepEqual(lines(join(dir, 'conn.ndjson')), [{ uid: 'C1' }, { uid: 'C2' }]);
  assert.deepEqual(out.files(), [join(dir, 'conn.ndjson'), join(dir, 'modbus.ndjson')]);
  assert.throws(() => out.write('conn', {}), /closed/);
});

test('RecordOutput: record type names cannot escape the directory', async (t) => {
  const out = new RecordOutput(tempDir(t));
  assert.throws(() => out.write('../conn', {}), /Invalid record type/);
  assert.throws(() => out.write('', {}), /Invalid record type/);
  await out.close();
});

test('RecordOutput: an output path that is a file gives E_OUTPUT', async (t) => {
  const file = join(tempDir(t), 'taken');
  writeFileSync(file, '');
  const out = new RecordOutput(file);
  assert.throws(() => out.write('conn', {}), isOutputError(file));
  await out.close();
});

const CONN: ConnRecord = {
  ts: 1706708700.25,
  uid: 'C3l3jMT1CzS0i0Gn57Q',
  'id.orig_h': '192.168.1.10',
  'id.orig_p': 49152,
  'id.resp_h': '192.168.1.20',
  'id.resp_p': 502,
  proto: 'tcp',
  service: 'modbus',
  duration: 1.5,
  orig_bytes: 120,
  resp_bytes: 240,
  conn_state: 'SF',
  missed_bytes: 0,
  history: 'ShADadFf',
  orig_pkts: 6,
  orig_ip_bytes: 440,
  resp_pkts: 5,
  resp_ip_bytes: 500,
  ip_proto: 6,
  orig_l2_addr: '00:11:22:33:44:55',
  resp_l2_addr: '66:77:88:99:aa:bb',
  vlan: 10,
  community_id: '1:wCb3OG7yAFWelaUydu0D+125CLM=',
  orig_l2_bytes: 524,
  resp_l2_bytes: 570,
};

test('RecordOutput zeek format: conn.log readable by zeek-cut', async (t) => {
  const dir = tempDir(t);
  const out = new RecordOutput(dir, { format: 'zeek', zeek: { utc: true } });
  out.write('conn', CONN);
  out.write('conn', { ...CONN, uid: 'C2', service: undefined, tunnel_parents: ['Cparent1', 'Cparent2'], local_orig: true, local_resp: false });
  await out.close();
  assert.deepEqual(readdirSync(dir), ['conn.log']);
  const text = readFileSync(join(dir, 'conn.log'), 'utf8');
  assert.match(text, /^#separator \\x09\n/);
  assert.match(text, /\n#path\tconn\n/);
  assert.match(text, /\n#close\t\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\n$/);
  const rows = zeekCut(text, ['uid', 'id.orig_h', 'id.resp_p', 'duration', 'service', 'local_orig', 'local_resp', 'tunnel_parents', 'inner_vlan', 'resp_l2_bytes']);
  assert.deepEqual(rows, [
    ['C3l3jMT1CzS0i0Gn57Q', '192.168.1.10', '502', '1.500000', 'modbus', '-', '-', '-', '-', '570'],
    ['C2', '192.168.1.10', '502', '1.500000', '-', 'T', 'F', 'Cparent1,Cparent2', '-', '570'],
  ]);
  assert.deepEqual(readZeekField(rows[1][7], true), ['Cparent1', 'Cparent2']);
  // All columns, in the registered order.
  assert.equal(zeekCut(text, [])[0].length, CONN_ZEEK_FIELDS.length);
});

test('RecordOutput zeek format needs the type to be registered', async (t) => {
  const dir = tempDir(t);
  const out = new RecordOutput(dir, { format: 'zeek' });
  assert.throws(() => out.write('unregistered_type', {}), /registerZeekFields/);
  assert.deepEqual(readdirSync(dir), []);
  registerZeekFields('test_note', [{ name: 'ts', type: 'time' }, { name: 'note', type: 'string' }]);
  out.write('test_note', { ts: 1, note: 'hello\tworld' });
  await out.close();
  assert.deepEqual(zeekCut(readFileSync(join(dir, 'test_note.log'), 'utf8'), ['note']), [['hello\\x09world']]);
});

test('registerZeekFields: same list again is fine, a different one throws', () => {
  assert.equal(zeekFieldsFor('conn'), CONN_ZEEK_FIELDS);
  registerZeekFields('conn', [...CONN_ZEEK_FIELDS]);
  assert.throws(() => registerZeekFields('conn', [{ name: 'ts', type: 'time' }]), /different Zeek field list/);
});

test('RecordOutput NDJSON and Zeek carry the same conn record', async (t) => {
  const dir = tempDir(t);
  const nd = new RecordOutput(join(dir, 'nd'));
  const zk = new RecordOutput(join(dir, 'zk'), { format: 'zeek' });
  nd.write('conn', CONN);
  zk.write('conn', CONN);
  await Promise.all([nd.close(), zk.close()]);
  const json = lines(join(dir, 'nd', 'conn.ndjson'))[0] as Record<string, unknown>;
  assert.deepEqual(json, CONN);
  const names = CONN_ZEEK_FIELDS.map((f) => f.name);
  const [row] = zeekCut(readFileSync(join(dir, 'zk', 'conn.log'), 'utf8'), names);
  names.forEach((name, i) => {
    const v = json[name];
    if (v === undefined) assert.equal(row[i], '-', name);
    else if (typeof v === 'number') assert.equal(Number(row[i]), v, name);
    else assert.equal(row[i], String(v), name);
  });
});
