// The protocol registry: built once from the protocol definitions, it answers the questions
// of the packet path with array lookups (which protocols own this port, which children a
// parent has, which layer-2 protocol owns this EtherType).
import { registerZeekFields } from '../events/ndjson.ts';
import { WEIRD_ZEEK_FIELDS } from '../events/weird.ts';
import type { L2ProtocolDef, ProtocolDef } from './types.ts';

const ID = /^[a-z][a-z0-9_]*$/;
const EVENT = /^[a-z][a-z0-9_]*$/;

export class Registry {
  readonly protocols: readonly ProtocolDef[];
  readonly l2: readonly L2ProtocolDef[];
  /** Index in `protocols`, by id. */
  readonly index: ReadonlyMap<string, number>;
  /** Top-level protocols by TCP / UDP port (index into `portLists`, 0 = none). */
  private readonly tcpPort = new Uint16Array(65536);
  private readonly udpPort = new Uint16Array(65536);
  private readonly portLists: (readonly ProtocolDef[])[] = [[]];
  /** Every top-level protocol that runs over TCP / UDP, in registration order (content detection). */
  readonly tcpAll: readonly ProtocolDef[];
  readonly udpAll: readonly ProtocolDef[];
  private readonly childLists = new Map<string, ProtocolDef[]>();
  private readonly byEthertype = new Map<number, L2ProtocolDef>();
  private readonly bySnap = new Map<number, L2ProtocolDef>();

  constructor(protocols: readonly ProtocolDef[], l2: readonly L2ProtocolDef[] = []) {
    this.protocols = protocols;
    this.l2 = l2;
    const index = new Map<string, number>();
    const ids = new Set<string>();
    for (const def of [...protocols, ...l2]) {
      if (!ID.test(def.id)) throw new Error(`protocol id "${def.id}" must be lower-case letters, digits and _`);
      if (ids.has(def.id)) throw new Error(`protocol id "${def.id}" is registered twice`);
      ids.add(def.id);
      for (const ev of Object.keys(def.events)) {
        if (!EVENT.test(ev)) throw new Error(`event "${def.id}.${ev}" must be lower-case letters, digits and _`);
      }
      for (const [type, fields] of Object.entries(def.records)) registerZeekFields(type, fields);
    }
    registerZeekFields('weird', WEIRD_ZEEK_FIELDS);
    protocols.forEach((p, i) => index.set(p.id, i));
    this.index = index;
    const tcpAll: ProtocolDef[] = [];
    const udpAll: ProtocolDef[] = [];
    for (const p of protocols) {
      if (p.tcpPorts !== undefined) tcpAll.push(p);
      if (p.udpPorts !== undefined) udpAll.push(p);
      for (const port of p.tcpPorts ?? []) this.addPort(this.tcpPort, port, p);
      for (const port of p.udpPorts ?? []) this.addPort(this.udpPort, port, p);
      for (const parent of p.parents ?? []) {
        let l = this.childLists.get(parent);
        if (l === undefined) this.childLists.set(parent, (l = []));
        l.push(p);
      }
    }
    this.tcpAll = tcpAll;
    this.udpAll = udpAll;
    for (const d of l2) {
      for (const t of d.ethertypes ?? []) {
        if (this.byEthertype.has(t)) throw new Error(`EtherType 0x${t.toString(16)} is claimed by two protocols`);
        this.byEthertype.set(t, d);
      }
      for (const s of d.snap ?? []) this.bySnap.set(s, d);
    }
  }

  private addPort(table: Uint16Array, port: number, p: ProtocolDef): void {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`protocol ${p.id}: bad port ${port}`);
    const cur = table[port];
    const list = cur === 0 ? [] : [...this.portLists[cur]];
    list.push(p);
    this.portLists.push(list);
    table[port] = this.portLists.length - 1;
  }

  /** Top-level protocols registered for a port ([] when none). */
  tcpOnPort(port: number): readonly ProtocolDef[] {
    return this.portLists[this.tcpPort[port]];
  }

  udpOnPort(port: number): readonly ProtocolDef[] {
    return this.portLists[this.udpPort[port]];
  }

  children(parent: string): readonly ProtocolDef[] {
    return this.childLists.get(parent) ?? [];
  }

  l2ForEthertype(type: number): L2ProtocolDef | undefined {
    return this.byEthertype.get(type);
  }

  l2ForSnap(ouiType: number): L2ProtocolDef | undefined {
    return this.bySnap.get(ouiType);
  }
}
