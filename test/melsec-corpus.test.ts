// MELSEC on the corpus. The corpus has no SLMP / MC protocol capture (its MELSEC folder holds
// MELSOFT engineering traffic of GX Works on 5562 and 5560: subheaders 57 00 / D7 00, a
// different, unpublished protocol), and tshark has no SLMP dissector, so the frames are
// checked against the SLMP manual in src/protocols/melsec/melsec.test.ts. Here: the MELSOFT
// captures run through the engine without a `melsec` record or flow (the probe does not take
// MELSOFT for SLMP) and without an internal error.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';

test('MELSOFT captures are not taken for SLMP', { skip: HAVE_CORPUS ? false : 'corpus not found' }, async () => {
  const files = manifest().filter((r) => r.path.includes('/MELSEC/') && /\.pcap$/.test(r.path)).map((r) => r.path);
  assert.ok(files.length >= 3, files.join(', '));
  for (const rel of files) {
    const res = await runEngine([join(CORPUS, rel)]);
    assert.equal((res.records.get('melsec') ?? []).length, 0, rel);
    const c = res.counters.dissectors.melsec;
    assert.equal(c?.flows ?? 0, 0, `${rel}: flows given to melsec`);
    const conns = (res.records.get('conn') ?? []) as Record<string, unknown>[];
    assert.ok(conns.length > 0, `${rel}: the capture was read`);
    assert.ok(conns.every((x) => x.service === undefined || !String(x.service).includes('melsec')));
  }
});
