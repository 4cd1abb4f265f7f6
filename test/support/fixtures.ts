// Captures the repository keeps itself (made for Palisade; see the SOURCES.md beside each).
import { join } from 'node:path';
import { REPO } from './corpus.ts';

/** A SCADA client polling a Modbus/TCP gateway (pymodbus) with devices at units 1 and 2; unit 3 gets exception 11. */
export const MODBUS_GATEWAY = join(REPO, 'src/protocols/modbus/fixtures/modbus-gateway.pcap');
