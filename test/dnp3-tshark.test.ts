// DNP3 against tshark on the corpus's DNP3 captures other than the opendnp3 conformance dumps
// (those are in dnp3-tshark-conformance.test.ts): function code and object types of every
// application fragment, ≥ 99% agreement; how, and the frames where tshark is wrong, are in
// dnp3-tshark-harness.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HAVE_CORPUS } from './support/corpus.ts';
import { HAVE_TSHARK } from './support/tshark.ts';
import { CAPTURES, compareAll, isConformance } from './dnp3-tshark-harness.ts';

test('DNP3 agrees with tshark on function codes and object types for ≥ 99% of application fragments', { skip: (!HAVE_CORPUS || !HAVE_TSHARK) && 'needs the corpus and tshark' }, async () => {
  const captures = CAPTURES.filter((c) => !isConformance(c));
  assert.ok(captures.length >= 45, `expected the corpus's DNP3 captures, found ${captures.length}`);
  await compareAll(captures, 2000);
});
