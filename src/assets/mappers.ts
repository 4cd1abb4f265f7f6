// Record mappers: per record type, what its fields say about devices (see observe.ts).
// One function per record type; the record field names are those documented in
// docs/protocols/<id>.md and docs/records/.
import { CONFIDENCE, num, str, type Observer, type RecordMapper } from './observe.ts';

function arp(r: Record<string, unknown>, o: Observer): void {
  const ts = num(r, 'ts');
  const sha = str(r, 'orig_mac');
  const spa = str(r, 'orig_h');
  // The sender's own binding, except when the frame came from another MAC (proxy ARP or spoofing).
  if (sha !== '' && spa !== '0.0.0.0' && r.sha_mismatch !== true) o.bind(sha, spa, true, 'arp', ts);
  else if (sha !== '' && spa !== '0.0.0.0') o.bind(sha, spa, false, 'arp', ts);
  // A probe for an address (SPA 0.0.0.0, RFC 5227) says the sender wants it, not that it has it.
  void CONFIDENCE;
}

export const MAPPERS: ReadonlyMap<string, RecordMapper> = new Map<string, RecordMapper>([
  ['arp', arp],
]);
