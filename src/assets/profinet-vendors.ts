// PROFINET vendor ids (VendorID of the DCP Device ID option, `profinet_dcp.vendor_id`) → the
// manufacturer's name, for the inventory's `vendor` claims.
//
// The ids are assigned by PROFIBUS & PROFINET International (PI), which publishes them as the
// "Manufacturer ID Table" (Man_ID_Table.xml, https://www.profibus.com/IM/Man_ID_Table.xml).
// That file is "(C) PNO, all rights reserved" and may not be redistributed, so Palisade does not
// ship it. Built in are only ids checked against captures; a user who has the table passes it
// with `palisade analyze --profinet-vendors Man_ID_Table.xml` (docs/assets.md, *Vendor*).
import { readFileSync } from 'node:fs';
import { PalisadeError } from '../core/errors.ts';

/**
 * The ids Palisade names without a table: 42 is Siemens, seen in the DCP Identify responses of
 * SIMATIC and SCALANCE devices in the corpus. Other ids appear in `hardware` as
 * `PROFINET device 0x<vendor>:0x<device>`, with no vendor name.
 */
export const BUILTIN_PROFINET_VENDORS: ReadonlyMap<number, string> = new Map([[0x002a, 'Siemens AG']]);

/** A vendor table loaded from a file: the names, and where they came from (for messages and stats). */
export interface ProfinetVendorTable {
  names: ReadonlyMap<number, string>;
  file: string;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, e: string) => {
    if (e.startsWith('#x') || e.startsWith('#X')) return codePoint(parseInt(e.slice(2), 16), m);
    if (e.startsWith('#')) return codePoint(parseInt(e.slice(1), 10), m);
    return XML_ENTITIES[e] ?? m;
  });
}

function codePoint(n: number, orig: string): string {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : orig;
}

/**
 * The manufacturers of a Man_ID_Table.xml document: every `Manufacturer` element with an
 * `ID` attribute (decimal, as PI writes it, or 0x-hexadecimal) in 1..65535 and a non-empty
 * `ManufacturerName`. Entries inside XML comments (PI keeps retired ones there) are left out;
 * element names may carry a namespace prefix. Where an id appears twice the first name counts.
 */
export function parseManIdTable(xml: string): Map<number, string> {
  const text = xml.replace(/<!--[\s\S]*?-->/g, '');
  const out = new Map<number, string>();
  const element = /<(?:[\w.-]+:)?Manufacturer\b([^>]*)>([\s\S]*?)<\/(?:[\w.-]+:)?Manufacturer\s*>/g;
  for (const m of text.matchAll(element)) {
    const id = /\bID\s*=\s*["']\s*(0[xX][0-9a-fA-F]+|[0-9]+)\s*["']/.exec(m[1]);
    if (id === null) continue;
    const n = Number(id[1]);
    if (!Number.isInteger(n) || n < 1 || n > 0xffff) continue;
    const name = /<(?:[\w.-]+:)?ManufacturerName\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?ManufacturerName\s*>/.exec(m[2]);
    if (name === null) continue;
    const v = decodeXml(name[1].replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')).replace(/\s+/g, ' ').trim();
    if (v !== '' && !out.has(n)) out.set(n, v);
  }
  return out;
}

/**
 * Reads a Man_ID_Table.xml file. Its names take precedence over the built-in ones, which
 * still name ids the file lacks. Throws E_VENDOR_TABLE, saying what to do, when the file
 * cannot be read or names no manufacturer.
 */
export function loadProfinetVendors(file: string): ProfinetVendorTable {
  let xml: string;
  try {
    xml = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PalisadeError('E_VENDOR_TABLE', `--profinet-vendors ${file}: cannot read it (${(e as Error).message}); give the path of PI's Man_ID_Table.xml`, { file, cause: e });
  }
  const parsed = parseManIdTable(xml);
  if (parsed.size === 0) {
    throw new PalisadeError(
      'E_VENDOR_TABLE',
      `--profinet-vendors ${file}: no <Manufacturer ID="…"> with a <ManufacturerName> found; the file should be PI's Manufacturer ID Table (Man_ID_Table.xml, from https://www.profibus.com/IM/Man_ID_Table.xml)`,
      { file },
    );
  }
  const names = new Map(parsed);
  for (const [id, name] of BUILTIN_PROFINET_VENDORS) if (!names.has(id)) names.set(id, name);
  return { names, file };
}
