// Records formatted in one place (a worker's RecordTextBuffer) and appended in another
// (RecordOutput.writeText) give the files RecordOutput writes from the records themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordOutput, registerZeekFields, type RecordFormat } from './ndjson.ts';
import { RecordTextBuffer, type RecordTexts } from './record-text.ts';

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
    const taken: RecordTexts = { types: [], texts: [], counts: [] };
    buf.take(taken);
    assert.equal(buf.chars, 0);
    assert.deepEqual(taken.types, ['test_text']);
    assert.deepEqual(taken.counts, [3]);
    const enc = new TextEncoder();
    taken.types.forEach((t, i) => out.writeText(t, how === 'bytes' ? enc.encode(taken.texts[i]) : taken.texts[i], taken.counts[i]));
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

test('RecordTextBuffer: one entry per type in first-seen order, characters counted; a Zeek type needs its columns', () => {
  const b = new RecordTextBuffer('ndjson');
  b.write('b', { x: 1 });
  b.write('a', { y: 'é' });
  b.write('b', { x: 2 });
  assert.equal(b.chars, '{"x":1}\n{"y":"é"}\n{"x":2}\n'.length);
  const taken: RecordTexts = { types: [], texts: [], counts: [] };
  b.take(taken);
  assert.deepEqual(taken, { types: ['b', 'a'], texts: ['{"x":1}\n{"x":2}\n', '{"y":"é"}\n'], counts: [2, 1] });
  const again: RecordTexts = { types: [], texts: [], counts: [] };
  b.take(again);
  assert.deepEqual(again, { types: [], texts: [], counts: [] });
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
