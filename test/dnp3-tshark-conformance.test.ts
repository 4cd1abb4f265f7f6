// DNP3 against tshark on the opendnp3 conformance dumps of ITI/ICS-Security-Tools (about a
// hundred small captures): function code and object types of every application fragment,
// ≥ 99% agreement; how, and the frames where tshark is wrong, are in dnp3-tshark-harness.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HAVE_CORPUS } from './support/corpus.ts';
import { HAVE_TSHARK } from './support/tshark.ts';
import { CAPTURES, compareAll, isConformance } from './dnp3-tshark-harness.ts';

test('DNP3 agrees with tshark on the opendnp3 conformance dumps for ≥ 99% of application fragments', { skip: (!HAVE_CORPUS || !HAVE_TSHARK) && 'needs the corpus and tshark' }, async () => {
  const captures = CAPTURES.filter(isConformance);
  assert.ok(captures.length >= 90, `expected the opendnp3 conformance dumps, found ${captures.length}`);
  // The dumps' connections are all distinct (client ports differ), so one tshark run reads them merged.
  await compareAll(captures, 400, true);
});
