// ICSNPP baselines of S7comm-plus: every s7comm_plus.log of icsnpp-s7comm in the corpus, row by row.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { s7comm_plus } from '../src/protocols/s7comm_plus/index.ts';
import { HAVE_CORPUS } from './support/corpus.ts';
import { baselines, compare, run } from './s7comm-icsnpp-support.ts';

test('s7comm_plus.log baselines: every row agrees', { skip: !HAVE_CORPUS }, async () => {
  const logs = baselines('s7comm_plus');
  assert.ok(logs.length >= 1);
  let rows = 0;
  for (const b of logs) {
    const c = compare(s7comm_plus, 's7comm_plus', b, await run(b.capture));
    assert.deepEqual(c.problems, [], b.log);
    assert.equal(c.agree, c.rows);
    rows += c.rows;
  }
  assert.equal(rows, 121);
});
