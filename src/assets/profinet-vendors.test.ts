import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isPalisadeError } from '../core/errors.ts';
import { BUILTIN_PROFINET_VENDORS, loadProfinetVendors, parseManIdTable } from './profinet-vendors.ts';

const tmp = mkdtempSync(join(tmpdir(), 'palisade-pnvendors-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A document in the shape of PI's Man_ID_Table.xml (names invented). */
const DOC = `<?xml version="1.0" encoding="UTF-8"?>
<Man_ID_Table xmlns="http://www.profibus.com/IM/2003/11/Man_ID" xmlns:doc="http://www.profibus.com/Document">
  <doc:DocumentInfo Version="1"><doc:Copyright>(C) example</doc:Copyright></doc:DocumentInfo>
  <!--<Manufacturer ID="7">
  <ManufacturerInfo><ManufacturerName>Retired Maker</ManufacturerName></ManufacturerInfo>
</Manufacturer>-->
  <Manufacturer ID="1">
    <ManufacturerInfo>
      <ManufacturerName>Alpha &amp; Omega   Controls</ManufacturerName>
      <Info lang="en" Tag="web_url" URI="www.example.com"/>
    </ManufacturerInfo>
    <IM_Info><IM_Root URI=""/></IM_Info>
  </Manufacturer>
  <Manufacturer ID="42"><ManufacturerInfo><ManufacturerName>SIEMENS AG</ManufacturerName></ManufacturerInfo></Manufacturer>
  <pi:Manufacturer ID='0x015A'><pi:ManufacturerInfo><pi:ManufacturerName><![CDATA[Beta <GmbH>]]></pi:ManufacturerName></pi:ManufacturerInfo></pi:Manufacturer>
  <Manufacturer ID="1"><ManufacturerInfo><ManufacturerName>Second name for 1</ManufacturerName></ManufacturerInfo></Manufacturer>
  <Manufacturer ID="70000"><ManufacturerInfo><ManufacturerName>Out of range</ManufacturerName></ManufacturerInfo></Manufacturer>
  <Manufacturer ID="9"><ManufacturerInfo><ManufacturerName>  </ManufacturerName></ManufacturerInfo></Manufacturer>
  <Manufacturer ID="10"><ManufacturerInfo><ManufacturerName>Caf&#xE9; &#77;aker</ManufacturerName></ManufacturerInfo></Manufacturer>
</Man_ID_Table>`;

test('parseManIdTable reads every Manufacturer with an id and a name', () => {
  const m = parseManIdTable(DOC);
  assert.deepEqual([...m], [
    [1, 'Alpha & Omega Controls'],
    [42, 'SIEMENS AG'],
    [0x15a, 'Beta <GmbH>'],
    [10, 'Café Maker'],
  ]);
});

test('parseManIdTable leaves out commented-out entries, ids outside 1..65535 and empty names', () => {
  const m = parseManIdTable(DOC);
  assert.equal(m.has(7), false);
  assert.equal(m.has(70000), false);
  assert.equal(m.has(9), false);
  assert.equal(parseManIdTable('<Man_ID_Table/>').size, 0);
});

test('loadProfinetVendors: the file names ids first, the built-in table fills the rest', () => {
  const f = join(tmp, 'Man_ID_Table.xml');
  writeFileSync(f, DOC);
  const t = loadProfinetVendors(f);
  assert.equal(t.file, f);
  assert.equal(t.names.get(42), 'SIEMENS AG');
  assert.equal(t.names.get(1), 'Alpha & Omega Controls');
  const only = join(tmp, 'only1.xml');
  writeFileSync(only, '<Man_ID_Table><Manufacturer ID="1"><ManufacturerName>A</ManufacturerName></Manufacturer></Man_ID_Table>');
  assert.equal(loadProfinetVendors(only).names.get(42), BUILTIN_PROFINET_VENDORS.get(42));
});

test('loadProfinetVendors: an unreadable file or one naming no vendor is E_VENDOR_TABLE, saying what to give', () => {
  const check = (path: string, re: RegExp) =>
    assert.throws(() => loadProfinetVendors(path), (e: unknown) => isPalisadeError(e) && e.code === 'E_VENDOR_TABLE' && e.exitCode === 2 && re.test(e.message));
  check(join(tmp, 'missing.xml'), /cannot read it .*Man_ID_Table\.xml/);
  const empty = join(tmp, 'empty.xml');
  writeFileSync(empty, '<html><body>not the table</body></html>');
  check(empty, /no <Manufacturer ID=.*Manufacturer ID Table/);
});
