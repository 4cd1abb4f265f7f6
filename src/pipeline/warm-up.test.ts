import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from '../dissect/registry.ts';
import { Engine } from './engine.ts';
import { warmUpEngine, warmUpFrames } from './warm-up.ts';

type Conn = Record<string, unknown> & { conn_state: string; history?: string; proto: string };

function run(frames = warmUpFrames()): { conns: Conn[]; engine: Engine } {
  const conns: Conn[] = [];
  const engine = new Engine({ write: (t, r) => { if (t === 'conn') conns.push(r as Conn); } }, { registry: new Registry([]) });
  for (const f of frames) engine.frame(f);
  engine.finish();
  return { conns, engine };
}

test('the warm-up frames decode cleanly and take the branches they are there for', () => {
  const { conns, engine } = run();
  const c = engine.counters();
  assert.equal(c.internalErrors, 0, c.firstInternalError);
  assert.equal(c.outcomes.malformed, 0);
  assert.equal(c.outcomes.unsupported, 0);
  assert.equal(c.outcomes.flow + c.outcomes.fragment, c.packets);
  const layers = c.decode.layers;
  for (const l of ['vlan', 'ipv6', 'icmp', 'icmpv6', 'udp', 'ipv4_reassembled']) assert.ok((layers[l] ?? 0) > 0, `no ${l}`);
  const states = new Set(conns.map((r) => `${r.proto} ${r.conn_state}`));
  for (const s of ['tcp SF', 'tcp S0', 'tcp S1', 'tcp REJ', 'tcp RSTO', 'udp SF', 'udp S0']) assert.ok(states.has(s), `no ${s} connection in ${[...states].join(', ')}`);
  // Retransmission, zero window, content gap, a cut-short segment, data after the FIN.
  const histories = conns.map((r) => r.history ?? '').join(' ');
  assert.match(histories, /T/);
  assert.match(histories, /W/);
  assert.ok(c.flows.tcpGaps > 0 && c.flows.tcpRetransmits > 0 && c.flows.tcpTruncatedPayloads > 0, JSON.stringify(c.flows));
  // A new SYN on a closed connection's ports is a second connection; the last flows end by timeout.
  assert.equal(conns.filter((r) => r['id.orig_p'] === 42000).length, 2);
  assert.equal(c.flows.flowsEnded, c.flows.flowsCreated);
});

test('the warm-up leaves nothing behind: an engine run after it gives the same records', () => {
  const before = JSON.stringify(run().conns);
  warmUpEngine();
  warmUpEngine({ tcpInactivity: 5, maxFlows: 3 });
  assert.equal(JSON.stringify(run().conns), before);
});
