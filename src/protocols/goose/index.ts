// IEC 61850-8-1 GOOSE (Generic Object Oriented Substation Event): layer-2 multicast on
// EtherType 0x88b8. One `goose` record per publisher state change, plus a summary per
// publisher at the end (session.ts). docs/protocols/goose.md.
import type { L2ProtocolDef } from '../../dissect/types.ts';
import { ETHERTYPE_GOOSE } from './constants.ts';
import { GOOSE_FIELDS } from './records.ts';
import { GooseSession } from './session.ts';

export const goose: L2ProtocolDef = {
  id: 'goose',
  ethertypes: [ETHERTYPE_GOOSE],
  create: (ctx) => new GooseSession(ctx),
  records: { goose: GOOSE_FIELDS },
  events: {
    truncated: 'a frame shorter than the 8-byte GOOSE header',
    bad_length: 'the Length field is below 8 or beyond the frame',
    bad_ber: 'the APDU is not valid BER (a length runs past its container, indefinite or impossible lengths)',
    unsupported_pdu: 'an APDU that is not a goosePdu (GSE management or an unknown tag)',
    missing_field: 'a mandatory goosePdu field is missing',
    bad_field: 'a goosePdu field with an impossible size (t not 8 bytes, INTEGER longer than 8 bytes, BOOLEAN not 1 byte)',
    entries_mismatch: 'numDatSetEntries differs from the number of allData elements',
    data_changed_without_st_num: 'allData changed but stNum did not (IEC 61850-8-1 requires a new stNum for every change)',
    st_num_decreased: 'stNum went back (not a wrap or restart to 1): replay or a second publisher with the same identity',
    sq_num_decreased: 'sqNum went back within one stNum, not to 0 or 1 (a restart): replayed or reordered frames',
    ttl_exceeded: 'a publisher\'s next frame came later than the previous frame\'s timeAllowedtoLive',
    too_many_publishers: 'more publishers than the per-engine cap; later ones are not recorded',
  },
};
