// The vendor of a MAC address from its OUI, by the IEEE registry as the oui-data package
// (BSD-2-Clause) ships it: MA-S (36-bit), MA-M (28-bit) and MA-L (24-bit) prefixes, the
// longest that matches wins. Loaded on first use (5 MB of JSON).
import { createRequire } from 'node:module';

let table: Record<string, string> | null = null;

function load(): Record<string, string> {
  if (table === null) {
    const require = createRequire(import.meta.url);
    table = require('oui-data') as Record<string, string>;
  }
  return table;
}

/** Loads the table now (the inventory's thread does, while records come, so finalize does not wait for it). */
export function preloadOui(): void {
  load();
}

/** The registered organisation of the MAC's prefix, or '' when none is registered (or the address is locally administered). */
export function ouiVendor(mac: string): string {
  const hex = mac.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  if (hex.length !== 12) return '';
  // Locally administered addresses (second-least significant bit of the first byte) have no OUI.
  if ((parseInt(hex.slice(0, 2), 16) & 2) !== 0) return '';
  const t = load();
  for (const n of [9, 7, 6]) {
    const v = t[hex.slice(0, n)];
    if (v !== undefined) {
      const first = v.split('\n')[0].trim().replace(/[,;\s]+$/, '');
      if (first !== '' && first.toLowerCase() !== 'private') return first;
      if (first.toLowerCase() === 'private') return '';
    }
  }
  return '';
}
