// CIP (ODVA, The CIP Networks Library Vol. 1) as EtherNet/IP carries it. A child of enip:
// the enip session opens it with the Common Packet Format of its messages. It is also the
// top-level protocol of class 0/1 I/O on UDP 2222, whose datagrams are a CPF of their own
// (sequenced address item + connected data item) with no encapsulation header.
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef } from '../../dissect/types.ts';
import { ITEM } from './constants.ts';
import { Cpf, walkCpf } from './parser.ts';
import { CIP_RECORDS } from './records.ts';
import { CipSession } from './session.ts';

export const CIP_IO_PORT = 2222;

const probeCpf = new Cpf();

/**
 * A CPF that carries CIP: an identity item, an unconnected data item, or a connected data
 * item after a connected or sequenced address item. On UDP outside an enip flow (class 0/1
 * I/O) the datagram must be exactly a sequenced address item of 8 bytes and a connected
 * data item (and optional socket address items), with no byte left over.
 */
export function probeCip(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  const c = probeCpf;
  if (!walkCpf(d, off, len, c) || c.count === 0) return PROBE.NO;
  if (hint.transport === 'udp' && c.count >= 2 && c.type[0] === ITEM.SEQUENCED_ADDRESS) {
    return c.len[0] === 8 && c.type[1] === ITEM.CONNECTED_DATA && c.rest === 0 ? PROBE.YES : PROBE.NO;
  }
  if (!hint.portMatch) return PROBE.NO;
  for (let i = 0; i < c.count; i++) {
    const t = c.type[i];
    if (t === ITEM.LIST_IDENTITY || t === ITEM.UNCONNECTED_DATA) return PROBE.YES;
    if (t === ITEM.CONNECTED_DATA && i > 0 && (c.type[i - 1] === ITEM.CONNECTED_ADDRESS || c.type[i - 1] === ITEM.SEQUENCED_ADDRESS)) return PROBE.YES;
  }
  return PROBE.NO;
}

export const cip: ProtocolDef = {
  id: 'cip',
  udpPorts: [CIP_IO_PORT],
  parents: ['enip'],
  probe: probeCip,
  create: (ctx) => new CipSession(ctx),
  records: CIP_RECORDS,
  events: {
    bad_cpf: 'Common Packet Format item count and item lengths do not fit the data',
    truncated: 'a CIP message or item shorter than its fixed fields',
    bad_path: 'an EPATH longer than its message, cut inside a segment, or with a reserved segment type',
    bad_embedded: 'a Multiple Service Packet or Unconnected Send whose embedded messages do not fit it',
    too_many_services: 'a Multiple Service Packet with more services than the per-message cap',
    too_deep: 'embedded messages nested deeper than the cap',
    bad_connection_data: 'a Forward Open / Forward Close shorter than its fixed fields',
    bad_identity: 'an identity item or Identity reply that does not hold its attributes',
    flooded: 'more requests waiting for a reply than the per-flow cap',
  },
};
