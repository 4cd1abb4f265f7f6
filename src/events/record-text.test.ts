// Records formatted in one place (a worker's RecordTextBuffer) and appended in another
// (RecordOutput.writeText) give the files RecordOutput writes from the records themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordOutput, registerZeekFields, zeekFieldsFor, type RecordFormat } from './ndjson.ts';
import { RecordTextBuffer, type RecordBytes } from './record-text.ts';
import { ZeekRowFormatter } from './zeek-tsv.ts';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-record-text-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

registerZeekFields('test_text', [{ name: 'note', type: 'string' }, { name: 'ts', type: 'time' }, { name: 'n', type: 'count' }, { name: 'tags', type: 'set[string]' }]);

const RECORDS: [string, object][] = [
  ['test_text', { ts: 1.5, note: 'plain', n: 1, tags: ['a', 'b'] }],
  ['conn', { ts: 2, uid: 'C1', 'id.orig_h': '10.0.0.1', 'id.orig_p': 1, 'id.resp_h': '10.0.0.2', 'id.resp_p': 502, proto: 'tcp' }],
  ['test_text', { ts: 3, note: 'tab\there, ünïcode ✓ and a lone \ud800 surrogate', n: 2, tags: [] }],
  ['test_text', { ts: 4, note: '#not a header' }],
  ['test_text', { ts: 5, note: '-', n: 3 }],
];

/** Writes RECORDS into `dir` the direct way, or half directly and half as text (strings or bytes). */
async function write(dir: string, format: RecordFormat, how: 'records' | 'strings' | 'bytes'): Promise<void> {
  const clock = () => new Date(Date.UTC(2024, 0, 31, 13, 45, 0));
  const out = new RecordOutput(dir, { format, zeek: { now: clock, utc: true } });
  if (how === 'records') {
    for (const [t, r] of RECORDS) out.write(t, r);
  } else {
    const buf = new RecordTextBuffer(format);
    RECORDS.forEach(([t, r], i) => (i % 2 === 0 ? buf.write(t, r) : out.write(t, r)));
    const taken: RecordBytes = { types: [], texts: [], counts: [] };
    buf.take(taken, []);
    assert.equal(buf.size, 0);
    assert.deepEqual(taken.types, ['test_text']);
    assert.deepEqual(taken.counts, [3]);
    const dec = new TextDecoder();
    taken.types.forEach((t, i) => out.writeText(t, how === 'bytes' ? taken.texts[i] : dec.decode(taken.texts[i]), taken.counts[i]));
  }
  await out.close();
}

const sortedLines = (p: string) => readFileSync(p, 'utf8').split('\n').sort();

for (const format of ['ndjson', 'zeek'] as const) {
  test(`${format}: text formatted elsewhere and appended, as strings or bytes, gives the same files`, async (t) => {
    const dir = tempDir(t);
    for (const how of ['records', 'strings', 'bytes'] as const) await write(join(dir, how), format, how);
    const files = readdirSync(join(dir, 'records')).sort();
    assert.deepEqual(files, format === 'ndjson' ? ['conn.ndjson', 'test_text.ndjson'] : ['conn.log', 'test_text.log']);
    for (const how of ['strings', 'bytes']) {
      assert.deepEqual(readdirSync(join(dir, how)).sort(), files);
      for (const f of files) assert.deepEqual(sortedLines(join(dir, how, f)), sortedLines(join(dir, 'records', f)), `${how} ${f}`);
    }
    if (format === 'zeek') {
      // One header, first; #close last.
      for (const how of ['strings', 'bytes']) {
        const text = readFileSync(join(dir, how, 'test_text.log'), 'utf8').split('\n');
        assert.equal(text[0], '#separator \\x09');
        assert.equal(text.filter((l) => l.startsWith('#fields')).length, 1);
        assert.match(text[text.length - 2], /^#close\t/);
        assert.equal(text.filter((l) => l.startsWith('\\x23not a header')).length, 1);
      }
    }
  });
}

test('RecordTextBuffer: one entry per type in first-seen order, bytes counted; a Zeek type needs its columns', () => {
  const b = new RecordTextBuffer('ndjson');
  b.write('b', { x: 1 });
  b.write('a', { y: 'é' });
  b.write('b', { x: 2 });
  assert.equal(b.size, Buffer.byteLength('{"x":1}\n{"y":"é"}\n{"x":2}\n'));
  const taken: RecordBytes = { types: [], texts: [], counts: [] };
  b.take(taken, []);
  const text = (t: RecordBytes) => ({ ...t, texts: t.texts.map((x) => Buffer.from(x).toString('utf8')) });
  assert.deepEqual(text(taken), { types: ['b', 'a'], texts: ['{"x":1}\n{"x":2}\n', '{"y":"é"}\n'], counts: [2, 1] });
  const again: RecordBytes = { types: [], texts: [], counts: [] };
  b.take(again, []);
  assert.deepEqual(text(again), { types: [], texts: [], counts: [] });
  assert.throws(() => new RecordTextBuffer('zeek').write('unregistered_type_x', {}), /registerZeekFields/);
});

test('RecordOutput.writeText after close throws and writes nothing', async (t) => {
  const dir = tempDir(t);
  const out = new RecordOutput(dir);
  out.writeText('conn', '{"a":1}\n', 1);
  await out.close();
  assert.throws(() => out.writeText('conn', new TextEncoder().encode('{"a":2}\n'), 1), /closed/);
  assert.equal(readFileSync(join(dir, 'conn.ndjson'), 'utf8'), '{"a":1}\n');
});

test('RecordTextBuffer: the UTF-8 of the lines RecordOutput writes, in buffers of their own that can be transferred', () => {
  for (const format of ['ndjson', 'zeek'] as const) {
    const byt = new RecordTextBuffer(format);
    // Past the first buffer (16 KiB), non-ASCII text, two types.
    const recs: [string, object][] = [];
    for (let i = 0; i < 300; i++) recs.push(['test_text', { ts: i, uid: `C${i}`, note: `é ${'x'.repeat(i % 7 === 0 ? 5000 : 20)} ✓` }]);
    recs.push(['conn', { ts: 1, uid: 'Cz', 'id.orig_h': '10.0.0.1' }]);
    // The text of each type as RecordOutput formats a record.
    const expected = new Map<string, string>();
    for (const [t, r] of recs) {
      byt.write(t, r);
      const line = format === 'ndjson' ? JSON.stringify(r) + '\n' : new ZeekRowFormatter(zeekFieldsFor(t)!).row(r as Record<string, unknown>);
      expected.set(t, (expected.get(t) ?? '') + line);
    }
    const s = { types: [...expected.keys()], texts: [...expected.values()], counts: [300, 1] };
    const b: RecordBytes = { types: [], texts: [], counts: [] };
    const transfer: ArrayBuffer[] = [];
    assert.equal(byt.size, s.texts.reduce((a, x) => a + Buffer.byteLength(x), 0), 'bytes pending are counted');
    byt.take(b, transfer);
    assert.deepEqual(b.types, s.types);
    assert.deepEqual(b.counts, s.counts);
    assert.deepEqual(b.texts.map((x) => Buffer.from(x).toString('utf8')), s.texts, format);
    assert.equal(new Set(transfer).size, b.texts.length, 'one ArrayBuffer per text');
    // Transferring them leaves the buffer's next texts intact.
    const moved = structuredClone(b.texts, { transfer });
    assert.equal(Buffer.from(moved[0]).toString('utf8'), s.texts[0]);
    byt.write('test_text', { ts: 9 });
    const again: RecordBytes = { types: [], texts: [], counts: [] };
    byt.take(again, []);
    assert.deepEqual(again.counts, [1]);
    assert.match(Buffer.from(again.texts[0]).toString('utf8'), format === 'ndjson' ? /^\{"ts":9\}\n$/ : /\t9\.000000\t/);
  }
});
