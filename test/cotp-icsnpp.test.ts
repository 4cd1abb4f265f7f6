// ICSNPP baselines of COTP: every cotp.log of icsnpp-s7comm in the corpus, row by row.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cotp } from '../src/protocols/cotp/index.ts';
import { HAVE_CORPUS } from './support/corpus.ts';
import { baselines, compare, run } from './s7comm-icsnpp-support.ts';

test('cotp.log baselines: every row agrees', { skip: !HAVE_CORPUS }, async () => {
  const logs = baselines('cotp');
  assert.ok(logs.length >= 2);
  let rows = 0;
  for (const b of logs) {
    const c = compare(cotp, 'cotp', b, await run(b.capture));
    assert.deepEqual(c.problems, [], b.log);
    assert.equal(c.agree, c.rows);
    rows += c.rows;
  }
  assert.equal(rows, 181);
});
