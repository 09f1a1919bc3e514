/**
 * AppLocker PublisherName rules (formats.md §B.6) on hand-built DER Names: fixed O, L, S, C order, omitted
 * parts, the X.500 fallback with CertNameToStr quoting, per-code-unit upper-casing, string tags.
 */
import { describe, expect, it } from 'vitest';
import * as asn1js from 'asn1js';
import { appLockerPublisherName, parseName, upperCaseLikeWindows, x500NameString } from './publisher-name.js';

type Str = 'utf8' | 'printable' | 'bmp' | 't61';
function nameDer(rdns: Array<Array<[string, string, Str?]>>): Uint8Array {
  const str = (v: string, t: Str = 'utf8'): asn1js.BaseBlock => {
    if (t === 'printable') return new asn1js.PrintableString({ value: v });
    if (t === 'bmp') return new asn1js.BmpString({ value: v });
    if (t === 't61') return new asn1js.TeletexString({ value: v });
    return new asn1js.Utf8String({ value: v });
  };
  const seq = new asn1js.Sequence({
    value: rdns.map((rdn) => new asn1js.Set({ value: rdn.map(([oid, v, t]) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), str(v, t)] })) })),
  });
  return new Uint8Array(seq.toBER(false));
}
const C = '2.5.4.6', S = '2.5.4.8', L = '2.5.4.7', O = '2.5.4.10', OU = '2.5.4.11', CN = '2.5.4.3';

describe('AppLocker PublisherName (§B.6)', () => {
  it('O, L, S, C in fixed order whatever the DER order, upper-cased, no escaping', () => {
    const n = parseName(nameDer([[[C, 'US', 'printable']], [[S, 'California']], [[L, 'Redwood Shores']], [[O, 'Oracle America, Inc.']], [[CN, 'Oracle']]]))!;
    expect(appLockerPublisherName(n)).toEqual({ publisherName: 'O=ORACLE AMERICA, INC., L=REDWOOD SHORES, S=CALIFORNIA, C=US', form: 'O-L-S-C', multipleOrganizations: false });
  });
  it('missing parts are omitted', () => {
    const n = parseName(nameDer([[[C, 'NO']], [[S, 'Oslo']], [[O, 'Opera Software ASA']]]))!;
    expect(appLockerPublisherName(n).publisherName).toBe('O=OPERA SOFTWARE ASA, S=OSLO, C=NO');
  });
  it('O alone is not enough: X.500 fallback, most specific RDN first', () => {
    const n = parseName(nameDer([[[O, 'Debian']], [[CN, 'Debian Secure Boot Signer 2022 - grub2']]]))!;
    expect(appLockerPublisherName(n)).toMatchObject({ publisherName: 'CN=DEBIAN SECURE BOOT SIGNER 2022 - GRUB2, O=DEBIAN', form: 'x500-fallback' });
  });
  it('fallback quotes values with special characters and joins multi-valued RDNs with +', () => {
    const n = parseName(nameDer([[[OU, 'a, b'], [CN, 'say "hi"']], [[CN, ' x']]]))!;
    expect(x500NameString(n)).toBe('CN=" x", OU="a, b" + CN="say ""hi"""');
  });
  it('first O is used and two O values are flagged', () => {
    const n = parseName(nameDer([[[O, 'First']], [[O, 'Second']], [[C, 'DE']]]))!;
    expect(appLockerPublisherName(n)).toMatchObject({ publisherName: 'O=FIRST, C=DE', multipleOrganizations: true });
  });
  it('BMP and T61 strings decode; upper-casing is per code unit (ß stays, ü → Ü)', () => {
    const n = parseName(nameDer([[[C, 'DE']], [[L, 'Fürth', 'bmp']], [[O, 'Straße GmbH', 't61']]]))!;
    expect(appLockerPublisherName(n).publisherName).toBe('O=STRAßE GMBH, L=FÜRTH, C=DE');
    expect(upperCaseLikeWindows('ŉß®é')).toBe('ŉß®É');
  });
  it('malformed DER → undefined', () => {
    expect(parseName(new Uint8Array([0x30, 0x05, 0x31]))).toBeUndefined();
    expect(parseName(new Uint8Array([0x04, 0x00]))).toBeUndefined();
  });
});
