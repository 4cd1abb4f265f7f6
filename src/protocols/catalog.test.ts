// The catalog (what a run loads when it dissects some protocols only) is index.ts's list:
// the same ids in the same order, the same parents, the same definitions once loaded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATALOG, loadRegistry, protocolIds } from './catalog.ts';
import { L2_PROTOCOLS, PROTOCOLS } from './index.ts';

test('the catalog lists index.ts\'s protocols, in its order, with its parents and definitions', async () => {
  assert.deepEqual(CATALOG.map((p) => [p.id, p.layer]), [...PROTOCOLS.map((p) => [p.id, 'ip']), ...L2_PROTOCOLS.map((p) => [p.id, 'l2'])]);
  for (const p of CATALOG) {
    const def = [...PROTOCOLS, ...L2_PROTOCOLS].find((d) => d.id === p.id)!;
    assert.deepEqual(p.parents, 'parents' in def ? (def.parents ?? []) : [], p.id);
    assert.equal(await p.load(), def, p.id);
  }
  assert.deepEqual(protocolIds(), [...PROTOCOLS, ...L2_PROTOCOLS].map((p) => p.id).sort());
});

test('loadRegistry loads what was asked, with parents, in probe order; none loads nothing', async () => {
  const r = await loadRegistry(['s7comm', 'modbus', 'lldp']);
  const ids = (x: readonly { id: string }[]) => x.map((p) => p.id);
  assert.deepEqual(ids(r.protocols), ['modbus', 'cotp', 's7comm']);
  assert.deepEqual(ids(r.l2), ['lldp']);
  const none = await loadRegistry([]);
  assert.deepEqual([none.protocols.length, none.l2.length], [0, 0]);
  const all = await loadRegistry();
  assert.deepEqual(ids(all.protocols), PROTOCOLS.map((p) => p.id));
  await assert.rejects(loadRegistry(['toaster']), /unknown protocol toaster/);
});
