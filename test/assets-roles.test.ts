// Roles on corpus captures whose roles their content makes plain: a Modbus master and its
// slaves, EtherNet/IP scanners and controllers, a BACnet workstation and controller, an MQTT
// broker and its clients. Each check fails when the role is wrong. Identity values are checked
// against the records' own fields (the dissectors are checked against tshark and ICSNPP).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { AssetBuilder, type AssetJSON, type Inventory } from '../src/assets/builder.ts';
import { MAPPERS } from '../src/assets/mappers.ts';
import { CORPUS, HAVE_CORPUS } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';

const skip = HAVE_CORPUS ? false : 'corpus not found (../shared/corpus)';

async function inventory(rel: string): Promise<Inventory> {
  const run = await runEngine([join(CORPUS, rel)]);
  const b = new AssetBuilder(MAPPERS);
  for (const [type, recs] of run.records) for (const r of recs) b.write(type, r);
  return b.finalize();
}

function byIp(inv: Inventory, ip: string): AssetJSON {
  const a = inv.assets.find((x) => x.ipv4.some((c) => c.value === ip));
  assert.ok(a !== undefined, `no asset with ${ip}; assets: ${inv.assets.map((x) => x.id).join(', ')}`);
  return a;
}

test('Modbus: the master that polls 13 slaves is an HMI at level 2; every slave is a PLC at level 1', { skip }, async () => {
  const inv = await inventory('controlthings-ct-samples/Protocols/Modbus/ModbusTCP/Plant1_ModbusTCP.pcap');
  const master = byIp(inv, '141.81.0.10');
  assert.equal(master.role.value, 'hmi', master.role.reasons.join('; '));
  assert.equal(master.purdue_level.level, 2);
  const slaves = inv.assets.filter((a) => a.services_offered.some((s) => s.port === 502));
  assert.equal(slaves.length, 13);
  for (const s of slaves) {
    assert.equal(s.role.value, 'plc', `${s.id}: ${s.role.reasons.join('; ')}`);
    assert.equal(s.purdue_level.level, 1);
    assert.equal(s.key, 'mac', 'devices on the captured segment are keyed by MAC');
  }
  // The master's reads show on its edges.
  const edge = inv.edges.find((e) => e.source === master.id && e.target === slaves[0].id)!;
  assert.ok((edge.operation_totals.read ?? 0) > 0);
});

test('EtherNet/IP: the ListIdentity responder carries its identity; the scanner is an HMI, the controller a PLC', { skip }, async () => {
  const inv = await inventory('icsnpp-enip/tests/traces/enip_cip_example.pcap');
  const enbt = byIp(inv, '10.1.1.164');
  assert.equal(enbt.vendor[0].value, 'Rockwell Automation/Allen-Bradley');
  assert.equal(enbt.vendor[0].source, 'cip_identity');
  assert.deepEqual([enbt.model[0].value, enbt.firmware[0].value], ['1756-ENBT/A', '4.3']);
  assert.equal(enbt.device_type[0].value, 'Communications Adapter');
  assert.equal(enbt.role.value, 'plc');
  const scanner = byIp(inv, '192.168.10.105');
  assert.equal(scanner.role.value, 'hmi', scanner.role.reasons.join('; '));
  assert.equal(byIp(inv, '192.168.10.120').role.value, 'plc');
});

test('BACnet: the device that answers I-Am and property reads is the controller; the one that asks is the workstation', { skip }, async () => {
  const inv = await inventory('emreekin-ics-pcaps/BacNET/BACnetIP-MSTP-Mix.pcap');
  // The controller is MS/TP station 0x72 on network 26001, behind the BACnet router
  // 192.168.0.24 (itself an Automated Logic device, instance 2401): an asset of its own.
  const ctl = inv.assets.find((a) => a.id === 'bacnet:26001:72@192.168.0.24');
  assert.ok(ctl !== undefined, 'the MS/TP device behind the router is an asset');
  assert.equal(ctl.key, 'bacnet');
  assert.deepEqual(ctl.bacnet.map((c) => c.value), ['26001:72']);
  assert.deepEqual(ctl.routed_via.map((c) => c.value), ['192.168.0.24']);
  assert.deepEqual([ctl.ipv4, ctl.mac], [[], []]);
  assert.equal(ctl.role.value, 'plc', ctl.role.reasons.join('; '));
  assert.equal(ctl.purdue_level.level, 1);
  assert.equal(ctl.names[0].value, 'ATmega168 Device');
  assert.equal(ctl.names[0].kind, 'bacnet');
  assert.equal(ctl.firmware[0].value, '0.4.1');
  assert.deepEqual(ctl.device_type.map((c) => c.value), ['BACnet device 86114']);
  // The router keeps its own identity only.
  const router = byIp(inv, '192.168.0.24');
  assert.deepEqual(router.device_type.map((c) => c.value), ['BACnet device 2401']);
  assert.equal(router.names.some((c) => c.value === 'ATmega168 Device'), false);
  assert.equal(router.vendor[0].value, 'Automated Logic Corporation');
  const ws = byIp(inv, '192.168.0.103');
  // The workstation's property reads go to the device behind the router, not to the router.
  const edge = inv.edges.find((e) => e.source === ws.id && e.target === ctl.id);
  assert.ok(edge !== undefined, 'an edge from the workstation to the MS/TP device');
  assert.ok((edge.operation_totals.read ?? 0) > 10, JSON.stringify(edge.operation_totals));
  assert.equal(ws.role.value, 'hmi', ws.role.reasons.join('; '));
  // The directed broadcast address is not a device.
  assert.equal(inv.assets.some((a) => a.ipv4.some((c) => c.value === '192.168.0.255')), false);
});

test('MQTT: the broker is an IoT gateway at level 3; its clients are not', { skip }, async () => {
  const inv = await inventory('arkime/tests/pcap/mqtt_big.pcap');
  const broker = byIp(inv, '192.168.1.1');
  assert.equal(broker.role.value, 'iot_gateway', broker.role.reasons.join('; '));
  assert.equal(broker.purdue_level.level, 3);
  const client = byIp(inv, '192.168.1.100');
  assert.notEqual(client.role.value, 'iot_gateway');
  assert.equal(client.names[0].value, 'test-client-123');
  assert.equal(client.names[0].kind, 'mqtt');
});

test('a remote Modbus server behind the capture point\'s router is keyed by IP; the router is found by the TTL of its packets', { skip }, async () => {
  const inv = await inventory('icsnpp-modbus/testing/traces/modbus_example.pcap');
  const server = byIp(inv, '3.15.227.20');
  assert.equal(server.key, 'ip');
  assert.equal(server.role.value, 'plc');
  const router = inv.assets.find((a) => a.id === 'mac:50:6a:03:ae:49:7d')!;
  assert.equal(router.role.value, 'switch_router');
  assert.equal(byIp(inv, '192.168.1.6').role.value, 'hmi');
});

test('DNP3: the master is a SCADA/HMI station at level 2; the outstation an RTU at level 1', { skip }, async () => {
  const inv = await inventory('iti-ics-security-tools/pcaps/dnp3/assign_class.pcap');
  const master = byIp(inv, '192.168.1.2');
  assert.equal(master.role.value, 'hmi', master.role.reasons.join('; '));
  assert.equal(master.purdue_level.level, 2);
  const out = byIp(inv, '192.168.1.1');
  assert.equal(out.role.value, 'rtu', out.role.reasons.join('; '));
  assert.equal(out.purdue_level.level, 1);
  const e = inv.edges.find((x) => x.source === master.id && x.target === out.id)!;
  assert.ok((e.operations.dnp3?.ASSIGN_CLASS?.count ?? 0) > 0);
});

test('S7comm: the station that downloads a block to a PLC is the engineering workstation', { skip }, async () => {
  const inv = await inventory('iti-ics-security-tools/pcaps/s7/s7comm_downloading_block_db1.pcap');
  const pg = byIp(inv, '192.168.1.10');
  assert.equal(pg.role.value, 'engineering_workstation', pg.role.reasons.join('; '));
  assert.equal(pg.purdue_level.level, 2);
  const plc = byIp(inv, '192.168.1.40');
  assert.equal(plc.role.value, 'plc', plc.role.reasons.join('; '));
  const e = inv.edges.find((x) => x.source === pg.id && x.target === plc.id)!;
  assert.ok((e.operation_totals.program ?? 0) > 0, 'the download is a program operation from the PG to the PLC');
});
