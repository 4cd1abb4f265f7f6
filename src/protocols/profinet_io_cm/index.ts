// PROFINET IO Context Manager: connectionless DCE/RPC over UDP with the PNIO interfaces
// (CISA ICSNPP icsnpp-profinet-io-cm). See docs/protocols/profinet_io_cm.md.
//
// Detection: a whole connectionless DCE/RPC header (version 4, packet type 0..10, a defined
// data representation, a body length that fits the datagram) whose interface UUID is one of
// the four PNIO interfaces, on any UDP port (devices answer from other ports than 34964); on
// port 34964 any connectionless DCE/RPC header (the endpoint mapper shares the port).
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef, type SessionContext } from '../../dissect/types.ts';
import { CL_HEADER_LEN, PNIO_CM_PORT } from './constants.ts';
import { PnioCalls } from './calls.ts';
import { ClHeader, HEADER_PROBLEM, parseClHeader } from './dcerpc.ts';
import {
  AR_FIELDS, CALL_FIELDS, HEADER_FIELDS, IOCR_FIELDS, RECORD_AR, RECORD_CALL, RECORD_FIELDS, RECORD_HEADER, RECORD_IOCR,
  RECORD_RECORD, RECORD_SUBMODULE, SUBMODULE_FIELDS,
} from './records.ts';
import { PROFINET_IO_CM_EVENTS, ProfinetIoCmSession } from './session.ts';

const probeHeader = new ClHeader();

export function probeProfinetIoCm(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.transport !== 'udp' || len < CL_HEADER_LEN) return PROBE.NO;
  const h = probeHeader;
  if (parseClHeader(d, off, len, h) !== HEADER_PROBLEM.NONE) return PROBE.NO;
  if (h.len > len - CL_HEADER_LEN) return PROBE.NO;
  if (h.pnio !== 0) return PROBE.YES;
  return hint.portMatch ? PROBE.YES : PROBE.NO;
}

export const profinet_io_cm: ProtocolDef = {
  id: 'profinet_io_cm',
  udpPorts: [PNIO_CM_PORT],
  probe: probeProfinetIoCm,
  create(ctx: SessionContext) {
    return new ProfinetIoCmSession(ctx);
  },
  shared(ctx) {
    return new PnioCalls(ctx);
  },
  records: {
    [RECORD_HEADER]: HEADER_FIELDS,
    [RECORD_CALL]: CALL_FIELDS,
    [RECORD_AR]: AR_FIELDS,
    [RECORD_IOCR]: IOCR_FIELDS,
    [RECORD_SUBMODULE]: SUBMODULE_FIELDS,
    [RECORD_RECORD]: RECORD_FIELDS,
  },
  events: PROFINET_IO_CM_EVENTS,
};
