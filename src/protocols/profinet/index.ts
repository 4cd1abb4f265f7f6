// PROFINET on Ethernet (EtherType 0x8892, after any VLAN tags): DCP (frame IDs 0xFEFC-0xFEFF)
// as one `profinet_dcp` record per PDU; the other frames (cyclic RT classes 1-3, alarms, PTCP,
// fragments) as `profinet_rt` summaries per stream at the end of the input. The EtherType is
// PROFINET's own, so there is no probe: every frame is PROFINET, and unknown frame IDs are data.
import type { L2ProtocolDef } from '../../dissect/types.ts';
import { ETHERTYPE_PROFINET } from './constants.ts';
import { PROFINET_DCP_FIELDS, PROFINET_RT_FIELDS } from './records.ts';
import { ProfinetSession } from './session.ts';

export const profinet: L2ProtocolDef = {
  id: 'profinet',
  ethertypes: [ETHERTYPE_PROFINET],
  create: (ctx) => new ProfinetSession(ctx),
  records: {
    profinet_dcp: PROFINET_DCP_FIELDS,
    profinet_rt: PROFINET_RT_FIELDS,
  },
  events: {
    truncated: 'a frame cut short: no FrameID, a DCP header under 10 bytes or a DCPDataLength past the frame, a cyclic frame without its APDU status (once per stream)',
    truncated_block: 'a DCP block whose DCPBlockLength runs past the DCP data (the blocks before it are kept)',
    bad_block_length: 'a DCP block shorter than its value needs (e.g. an IP parameter block under 12 bytes)',
    unknown_service: 'a DCP ServiceID other than Get, Set, Identify, Hello',
    unknown_service_type: 'a DCP ServiceType other than request, response success, response unsupported',
    unknown_frame_id: 'a frame ID in a reserved range (once per stream; the frames are summarised as data)',
    too_many_blocks: 'more than 64 blocks in one DCP PDU (the rest are not named)',
    too_many_streams: 'more than 4096 PROFINET streams: further frames are counted in one "untracked" summary',
  },
};
