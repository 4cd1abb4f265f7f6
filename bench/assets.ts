// Inventory benchmark: the asset stage on 10,000 devices and 100,000 device pairs. A
// generated plant (MAC-keyed hosts on one segment, each pair of hosts one flow with a
// Modbus or S7 operation and identity records for the controllers) is fed to the
// AssetBuilder as the engine would feed it; the heap the builder holds at the end
// (after a forced GC, minus the heap before) and the time of each step are printed.
// Exit 1 when the builder's state is 100 MiB or more.
//   node --expose-gc bench/assets.ts [--assets N] [--edges N]
import { parseArgs } from 'node:util';
import { AssetBuilder } from '../src/assets/builder.ts';
import { MAPPERS } from '../src/assets/mappers.ts';

const { values } = parseArgs({ options: { assets: { type: 'string', default: '10000' }, edges: { type: 'string', default: '100000' } } });
const N = Number(values.assets);
const E = Number(values.edges);
const LIMIT = 100 * 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('run with node --expose-gc bench/assets.ts (npm run bench:assets does)');
  process.exit(2);
}

const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) + 1 > 254 ? 254 : (i & 255) + 1}`;
const mac = (i: number) => `00:1c:06:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
let seed = 7;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);

gc();
const before = process.memoryUsage().heapUsed;
const t0 = performance.now();
const b = new AssetBuilder(MAPPERS);
let records = 0;
// Distinct pairs without a set (which would weigh on the heap measured): block j of N pairs
// links every device to the one 1 + j * 7919 places further.
for (let k = 0; k < E; k++) {
  const o = k % N;
  const r = (o + 1 + Math.floor(k / N) * 7919) % N;
  if (o === r) continue;
  const ts = 1_700_000_000 + k * 0.01;
  const uid = `C${String(k).padStart(18, '0')}`;
  const s7 = r % 3 === 0;
  b.write('conn', {
    ts, uid, 'id.orig_h': ip(o), 'id.orig_p': 40000 + (k % 20000), 'id.resp_h': ip(r), 'id.resp_p': s7 ? 102 : 502, proto: 'tcp', service: s7 ? 'cotp,s7comm' : 'modbus',
    duration: 2, conn_state: 'SF', history: 'ShADadFf', orig_pkts: 10, orig_ip_bytes: 800, resp_pkts: 9, resp_ip_bytes: 900, orig_l2_addr: mac(o), resp_l2_addr: mac(r), orig_ttl: 128, resp_ttl: 64,
  });
  if (s7) {
    b.write('s7comm_read_write', { ts, uid, 'id.orig_h': ip(o), 'id.resp_h': ip(r), source_h: ip(o), destination_h: ip(r), function_name: k % 5 === 0 ? 'Write Variable' : 'Read Variable', area_name: 'DB' });
    b.write('s7comm', { ts, uid, 'id.orig_h': ip(o), 'id.resp_h': ip(r), source_h: ip(r), destination_h: ip(o), rosctr_name: 'ACK-Data', function_name: 'Read Variable' });
  } else {
    b.write('modbus', { ts, uid, 'id.orig_h': ip(o), 'id.resp_h': ip(r), function_code: k % 4 === 0 ? 16 : 3, func: k % 4 === 0 ? 'WRITE_MULTIPLE_REGISTERS' : 'READ_HOLDING_REGISTERS', request_seen: true, response_seen: true });
  }
  records += 3;
}
for (let i = 0; i < N; i += 3) {
  b.write('s7comm_known_devices', { ts: 1_700_000_000, uid: 'C1', 'id.resp_h': ip(i), source_h: ip(i), order_number: `6ES7 315-2EH14-0AB${i % 10}`, firmware_version: `V3.${i % 9}.6`, module_serial: `S C-${i}`, automation_system_name: `plc-${i}` });
  records++;
}
const t1 = performance.now();
gc();
const streaming = process.memoryUsage().heapUsed - before;
if (process.env.BENCH_SNAPSHOT !== undefined) (await import('node:v8')).writeHeapSnapshot(process.env.BENCH_SNAPSHOT);
const inv = b.finalize();
const t2 = performance.now();
gc();
const held = process.memoryUsage().heapUsed - before;
const mib = (x: number) => (x / 1024 / 1024).toFixed(1);
console.log(`records fed:      ${records.toLocaleString('en-US')} (${((t1 - t0) / 1000).toFixed(2)} s, ${Math.round(records / ((t1 - t0) / 1000)).toLocaleString('en-US')} records/s)`);
console.log(`assets / edges:   ${inv.assets.length.toLocaleString('en-US')} / ${inv.edges.length.toLocaleString('en-US')} (finalize ${((t2 - t1) / 1000).toFixed(2)} s)`);
console.log(`heap while streaming (builder state): ${mib(streaming)} MiB`);
console.log(`heap with the finished inventory:     ${mib(held)} MiB`);
// The limit is on the builder's state, what the inventory holds while a capture streams
// through; the finished inventory (every asset and edge as the JSON written) is transient.
const ok = streaming < LIMIT;
console.log(ok ? `builder state under ${mib(LIMIT)} MiB` : `FAILED: builder state ${mib(LIMIT)} MiB or more`);
process.exitCode = ok ? 0 : 1;
void rnd;
