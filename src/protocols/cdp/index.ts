// CDP (Cisco Discovery Protocol v1/v2) over LLC/SNAP (OUI 00-00-0c, protocol 0x2000): one
// `cdp` record per new or changed neighbour announcement, repeats folded and counted
// (session.ts). docs/protocols/cdp.md.
import type { L2ProtocolDef } from '../../dissect/types.ts';
import { CDP_SNAP } from './constants.ts';
import { CDP_FIELDS, RECORD_CDP } from './records.ts';
import { CDP_EVENTS, CdpSession } from './session.ts';

export const cdp: L2ProtocolDef = {
  id: 'cdp',
  snap: [CDP_SNAP],
  create: (ctx) => new CdpSession(ctx),
  records: { [RECORD_CDP]: CDP_FIELDS },
  events: CDP_EVENTS,
};
