// LLDP (IEEE 802.1AB): EtherType 0x88cc. One `lldp` record per new or changed neighbour
// LLDPDU, repeats folded and counted (session.ts). docs/protocols/lldp.md.
import type { L2ProtocolDef } from '../../dissect/types.ts';
import { ETHERTYPE_LLDP } from './constants.ts';
import { LLDP_FIELDS, RECORD_LLDP } from './records.ts';
import { LLDP_EVENTS, LldpSession } from './session.ts';

export const lldp: L2ProtocolDef = {
  id: 'lldp',
  ethertypes: [ETHERTYPE_LLDP],
  create: (ctx) => new LldpSession(ctx),
  records: { [RECORD_LLDP]: LLDP_FIELDS },
  events: LLDP_EVENTS,
};
