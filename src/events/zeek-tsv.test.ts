import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ZeekRowFormatter, ZeekTsvWriter, escapeZeekText, formatZeekDouble, formatZeekValue, zeekLogTimestamp,
  type ZeekField,
} from './zeek-tsv.ts';
import { zeekCut, readZeekField, unescapeZeek } from '../../test/support/zeek-cut.ts';

/** What a writer hands over, copied (its bytes are its buffer, used again). */
class Collector {
  chunks: Buffer[] = [];
  write(s: string | Uint8Array): boolean {
    this.chunks.push(typeof s === 'string' ? Buffer.from(s) : Buffer.from(s));
    return true;
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

const OPEN = new Date(Date.UTC(2024, 0, 31, 13, 45, 0));
const CLOSE = new Date(Date.UTC(2024, 0, 31, 13, 46, 10));

function clock(): () => Date {
  let n = 0;
  return () => (n++ === 0 ? OPEN : CLOSE);
}

const FIELDS: readonly ZeekField[] = [
  { name: 'ts', type: 'time' },
  { name: 'uid', type: 'string' },
  { name: 'id.orig_h', type: 'addr' },
  { name: 'id.orig_p', type: 'port' },
  { name: 'proto', type: 'enum' },
  { name: 'duration', type: 'interval' },
  { name: 'bytes', type: 'count' },
  { name: 'delta', type: 'int' },
  { name: 'ratio', type: 'double' },
  { name: 'ok', type: 'bool' },
  { name: 'tags', type: 'set[string]' },
  { name: 'sizes', type: 'vector[count]' },
];

test('header lines, one row and #close, byte for byte', () => {
  const out = new Collector();
  const w = new ZeekTsvWriter(out, 'conn', FIELDS, { now: clock(), utc: true });
  w.write({
    ts: 1706708700.5, uid: 'CHhAvVGS1DHFjwGM9', 'id.orig_h': '10.0.0.1', 'id.orig_p': 502, proto: 'tcp',
    duration: 0, bytes: 12, delta: -3, ratio: 1, ok: true, tags: ['a', 'b'], sizes: [1, 2, 3],
  });
  w.write({ ts: 1706708701, uid: 'C2', ok: false, tags: [], sizes: [] });
  w.close();
  assert.equal(out.text, [
    '#separator \\x09',
    '#set_separator\t,',
    '#empty_field\t(empty)',
    '#unset_field\t-',
    '#path\tconn',
    '#open\t2024-01-31-13-45-00',
    '#fields\tts\tuid\tid.orig_h\tid.orig_p\tproto\tduration\tbytes\tdelta\tratio\tok\ttags\tsizes',
    '#types\ttime\tstring\taddr\tport\tenum\tinterval\tcount\tint\tdouble\tbool\tset[string]\tvector[count]',
    '1706708700.500000\tCHhAvVGS1DHFjwGM9\t10.0.0.1\t502\ttcp\t0.000000\t12\t-3\t1.0\tT\ta,b\t1,2,3',
    '1706708701.000000\tC2\t-\t-\t-\t-\t-\t-\t-\tF\t(empty)\t(empty)',
    '#close\t2024-01-31-13-46-10',
    '',
  ].join('\n'));
  assert.equal(w.rows, 2);
});

test('#open and #close use local time by default, as Zeek does', () => {
  const out = new Collector();
  const w = new ZeekTsvWriter(out, 'x', [{ name: 'a', type: 'count' }], { now: clock() });
  w.close();
  assert.match(out.text, new RegExp(`#open\\t${zeekLogTimestamp(OPEN)}\\n`));
  assert.match(zeekLogTimestamp(new Date()), /^\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d$/);
});

test('value formatting per type', () => {
  assert.equal(formatZeekValue('time', 1.0000004), '1.000000');
  assert.equal(formatZeekValue('time', 1.0000005), '1.000001');
  assert.equal(formatZeekValue('interval', 0.25), '0.250000');
  assert.equal(formatZeekValue('double', 0.5), '0.5');
  assert.equal(formatZeekValue('double', 2), '2.0');
  assert.equal(formatZeekValue('double', -7), '-7.0');
  assert.equal(formatZeekValue('double', 3.14159265), '3.141593');
  assert.equal(formatZeekValue('double', 0.1 + 0.2), '0.3');
  assert.equal(formatZeekDouble(Number.NaN), 'nan');
  assert.equal(formatZeekDouble(Number.POSITIVE_INFINITY), 'inf');
  assert.equal(formatZeekValue('count', 18446744073709551615n), '18446744073709551615');
  assert.equal(formatZeekValue('port', 443), '443');
  assert.equal(formatZeekValue('bool', false), 'F');
  assert.equal(formatZeekValue('string', undefined), '-');
  assert.equal(formatZeekValue('count', null), '-');
  assert.equal(formatZeekValue('string', ''), '(empty)');
  assert.equal(formatZeekValue('string', '-'), '\\x2d');
  assert.equal(formatZeekValue('string', '(empty)'), '\\x28empty)');
  assert.equal(formatZeekValue('enum', '-'), '\\x2d');
  assert.equal(formatZeekValue('string', '--'), '--');
  assert.equal(formatZeekValue('set[string]', new Set(['x', 'y'])), 'x,y');
  assert.equal(formatZeekValue('set[string]', ['a,b', '-', '']), 'a\\x2cb,\\x2d,(empty)');
  assert.equal(formatZeekValue('vector[string]', []), '(empty)');
  assert.equal(formatZeekValue('vector[double]', [1, 0.5]), '1.0,0.5');
  // The set separator is escaped only inside containers.
  assert.equal(formatZeekValue('string', 'a,b'), 'a,b');
});

test('escaping: separator, newline, backslash, control bytes; UTF-8 passes', () => {
  assert.equal(escapeZeekText('a\tb\nc\\d\re\x00f\x7fg'), 'a\\x09b\\x0ac\\x5cd\\x0de\\x00f\\x7fg');
  assert.equal(escapeZeekText('Zürich ✓ 東京'), 'Zürich ✓ 東京');
  assert.equal(escapeZeekText('\\x41'), '\\x5cx41');
  assert.equal(escapeZeekText('a,b', true), 'a\\x2cb');
});

test('a row starting with "#" is escaped so it is not read as a header', () => {
  const out = new Collector();
  const w = new ZeekTsvWriter(out, 'notes', [{ name: 'note', type: 'string' }, { name: 'n', type: 'count' }], { now: clock(), utc: true });
  w.write({ note: '#fields\tfake', n: 1 });
  w.close();
  const row = out.text.split('\n')[8];
  assert.equal(row, '\\x23fields\\x09fake\t1');
  assert.deepEqual(zeekCut(out.text, ['note', 'n']), [['\\x23fields\\x09fake', '1']]);
  assert.equal(unescapeZeek('\\x23fields\\x09fake'), '#fields\tfake');
});

const TRICKY = [
  'plain',
  'tab\there',
  'new\nline',
  'carriage\r\nreturn',
  'back\\slash',
  'looks escaped \\x09',
  '-',
  '(empty)',
  '',
  '#hash first',
  'nul\x00 and del\x7f and bell\x07',
  'Zürich ✓ 東京 🏭',
  ' spaces ',
  'comma, inside',
];

test('round trip through the zeek-cut reader, including escaping', () => {
  const fields: readonly ZeekField[] = [
    { name: 'text', type: 'string' },
    { name: 'kind', type: 'enum' },
    { name: 'tags', type: 'set[string]' },
    { name: 'n', type: 'count' },
    { name: 'ts', type: 'time' },
  ];
  const out = new Collector();
  const w = new ZeekTsvWriter(out, 'tricky', fields, { now: clock(), utc: true });
  const records = TRICKY.map((s, i) => ({
    text: s,
    kind: i % 2 === 0 ? s : undefined,
    tags: i % 3 === 0 ? [] : [s, 'x', s + ',' + s],
    n: i,
    ts: 1700000000 + i / 8,
  }));
  records.push({ text: undefined as unknown as string, kind: undefined, tags: undefined as unknown as string[], n: 99, ts: 1 });
  for (const r of records) w.write(r);
  w.close();

  // Each row is exactly one line: nothing in a value leaked a newline or a tab.
  const rows = zeekCut(out.text, ['text', 'kind', 'tags', 'n', 'ts']);
  assert.equal(rows.length, records.length);
  rows.forEach(([text, kind, tags, n, ts], i) => {
    const r = records[i];
    assert.equal(readZeekField(text), r.text, `text of row ${i}`);
    assert.equal(readZeekField(kind), r.kind, `kind of row ${i}`);
    assert.deepEqual(readZeekField(tags, true), r.tags, `tags of row ${i}`);
    assert.equal(Number(n), r.n);
    assert.equal(Number(ts), r.ts);
  });
  // Column selection and reordering, as zeek-cut does.
  assert.deepEqual(zeekCut(out.text, ['n', 'n']).slice(0, 2), [['0', '0'], ['1', '1']]);
  // No columns: all of them.
  assert.equal(zeekCut(out.text, [])[0].length, fields.length);
});

test('large output is handed over in big chunks, not per row', () => {
  const out = new Collector();
  const w = new ZeekTsvWriter(out, 'big', [{ name: 'uid', type: 'string' }, { name: 'n', type: 'count' }], { now: clock() });
  for (let i = 0; i < 100000; i++) w.write({ uid: 'CHhAvVGS1DHFjwGM9', n: i });
  w.close();
  // About 2.4 MB of rows in pieces of the default 256 Ki characters: some ten, not 100,000.
  const most = Math.ceil(out.text.length / (1 << 18)) + 1;
  assert.ok(out.chunks.length >= 2 && out.chunks.length <= most, `chunks: ${out.chunks.length} (at most ${most})`);
  assert.equal(zeekCut(out.text, ['n']).length, 100000);
});

test('write after close throws; close twice is harmless', () => {
  const out = new Collector();
  const w = new ZeekTsvWriter(out, 'x', [{ name: 'a', type: 'count' }], { now: clock() });
  w.close();
  w.close();
  assert.throws(() => w.write({ a: 1 }), /closed/);
  assert.equal(out.text.match(/#close/g)?.length, 1);
});

test('the zeek-cut reader is strict where zeek-cut is lenient', () => {
  const head = '#separator \\x09\n#set_separator\t,\n#fields\ta\tb\n#types\tcount\tcount\n';
  assert.deepEqual(zeekCut(head + '1\t2\n', ['b', 'a']), [['2', '1']]);
  assert.throws(() => zeekCut(head + '1\n', ['a']), /1 fields, #fields has 2/);
  assert.throws(() => zeekCut(head + '1\t2\t3\n', ['a']), /3 fields/);
  assert.throws(() => zeekCut(head + '1\t2', ['a']), /newline/);
  assert.throws(() => zeekCut(head + '1\t2\n', ['c']), /no column "c"/);
  assert.deepEqual(zeekCut(head + '1\t2\n', ['c', 'a'], { missing: 'empty' }), [['', '1']]);
  assert.throws(() => zeekCut('1\t2\n', ['a']), /before any #fields/);
  assert.throws(() => zeekCut('#fields\ta\n#path\tx\n', ['a']), /missing #types/);
  assert.throws(() => zeekCut('#types\tcount\n', ['a']), /missing #fields/);
  assert.throws(() => zeekCut('#fields\ta\tb\n#types\tcount\n', ['a']), /#types has 1/);
  assert.throws(() => zeekCut('#separator \\x00\n', ['a']), /invalid #separator/);
  assert.throws(() => zeekCut('#unset_field\n', ['a']), /invalid #unset_field/);
  // Another separator, given literally or in hex, and a second header block.
  const pipe = '#separator |\n#fields|a|b\n#types|count|count\n1|2\n#separator \\x2c\n#fields,b,c\n#types,count,count\n3,4\n';
  assert.deepEqual(zeekCut(pipe, ['b']), [['2'], ['3']]);
});

/** A row as formatZeekValue renders each of its values, as its UTF-8 reads back (a lone surrogate is U+FFFD in a file): what ZeekRowFormatter's bytes must be. */
function referenceRow(fields: readonly ZeekField[], r: Record<string, unknown>): string {
  const line = fields.map((f) => formatZeekValue(f.type, r[f.name])).join('\t');
  return Buffer.from((line.startsWith('#') ? '\\x23' + line.slice(1) : line) + '\n').toString('utf8');
}

test('rows written into bytes equal formatZeekValue of each column, whatever the values and however small the buffer', () => {
  const fields: readonly ZeekField[] = [
    { name: 'ts', type: 'time' }, { name: 's', type: 'string' }, { name: 'e', type: 'enum' }, { name: 'a', type: 'addr' },
    { name: 'p', type: 'port' }, { name: 'c', type: 'count' }, { name: 'i', type: 'int' }, { name: 'd', type: 'double' },
    { name: 'iv', type: 'interval' }, { name: 'b', type: 'bool' }, { name: 'set', type: 'set[string]' }, { name: 'vec', type: 'vector[count]' },
  ];
  // Text that exercises every path: escapes, reserved words, non-ASCII, lone surrogates, "#" first, long runs.
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('', '-', '(empty)', '#x', '\\', 'a\tb\nc', '\x7f', 'é', '\ud800', 'x'.repeat(300), '中文,字'),
  );
  const num = fc.oneof(
    fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: -1e6, max: 0 }), fc.double(), fc.constantFrom(4294967296, 2 ** 53, 1.5, -0, 1e21),
  );
  const value = fc.oneof(fc.constant(undefined), fc.constant(null), text, num, fc.boolean(), fc.bigInt({ min: 0n, max: 1n << 70n }));
  const record = fc.record(
    Object.fromEntries(fields.map((f) => [f.name, f.type.endsWith(']') ? fc.oneof(fc.constant(undefined), fc.array(fc.oneof(text, num, fc.constant(null)), { maxLength: 4 })) : value])),
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(fc.array(record, { maxLength: 30 }), fc.integer({ min: 64, max: 400 }), (records, bytes) => {
      const chunks: Buffer[] = [];
      const f = new ZeekRowFormatter(fields, { bytes, spill: (b) => chunks.push(Buffer.from(b)) });
      // row() on a formatter of its own: it would grow the buffer that write() then fills.
      const rows = new ZeekRowFormatter(fields, { bytes });
      const want: string[] = [];
      for (const r of records) {
        const rec = r as Record<string, unknown>;
        want.push(referenceRow(fields, rec));
        assert.equal(rows.row(rec), want[want.length - 1], 'row() is the row as text');
        f.write(rec);
      }
      chunks.push(Buffer.from(f.bytes.subarray(0, f.used)));
      assert.equal(Buffer.concat(chunks).toString('utf8'), want.join(''));
      // A spill holds whole rows.
      for (const c of chunks.slice(0, -1)) assert.equal(c[c.length - 1], 0x0a);
    }),
    { numRuns: 300 },
  );
});
