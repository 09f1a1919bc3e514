/**
 * SpcIndirectDataContent — the Authenticode content inside SignedData: `data` (SpcPeImageData for PE,
 * SpcSipInfo for scripts/MSI/AppX) and `messageDigest` (DigestInfo: the signed file hash). Also the digest
 * OID ↔ name map. Used by readSignedData. Spec: Authenticode_PE.docx "SpcIndirectDataContent";
 * formats.md §B.4, §E.1.
 */
import * as asn1js from 'asn1js';
import type { DigestAlgorithm } from './digest.js';

export const OID_SPC_PE_IMAGE_DATA = '1.3.6.1.4.1.311.2.1.15';
export const OID_SPC_CAB_DATA = '1.3.6.1.4.1.311.2.1.25';
export const OID_SPC_SIPINFO = '1.3.6.1.4.1.311.2.1.30';

export const DIGEST_OIDS: Readonly<Record<string, DigestAlgorithm>> = {
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export interface SpcIndirectDataContent {
  /** SpcAttributeTypeAndOptionalValue.type, e.g. 1.3.6.1.4.1.311.2.1.15 (PE image). */
  readonly dataType: string;
  /** SpcSipInfo's SIP GUID (scripts, MSI, AppX), as the 16 raw bytes in hex. */
  readonly sipGuid?: string;
  readonly digestAlgorithmOid: string;
  /** undefined when the OID is not one Lockstep can compute. */
  readonly digestAlgorithm?: DigestAlgorithm;
  /** The signed file hash (DigestInfo.digest). */
  readonly digest: Uint8Array;
}

/** Reads SpcIndirectDataContent from the eContent value; undefined when it does not have that shape. */
export function readSpcIndirectData(content: asn1js.AsnType | undefined): SpcIndirectDataContent | undefined {
  if (!(content instanceof asn1js.Sequence)) return undefined;
  const [data, digestInfo] = content.valueBlock.value;
  if (!(data instanceof asn1js.Sequence) || !(digestInfo instanceof asn1js.Sequence)) return undefined;
  const [type, value] = data.valueBlock.value;
  const [alg, digest] = digestInfo.valueBlock.value;
  if (!(type instanceof asn1js.ObjectIdentifier) || !(alg instanceof asn1js.Sequence) || !(digest instanceof asn1js.OctetString)) return undefined;
  const [algOid] = alg.valueBlock.value;
  if (!(algOid instanceof asn1js.ObjectIdentifier)) return undefined;
  const dataType = type.valueBlock.toString();
  const digestAlgorithmOid = algOid.valueBlock.toString();
  const digestAlgorithm = DIGEST_OIDS[digestAlgorithmOid];
  let sipGuid: string | undefined;
  if (dataType === OID_SPC_SIPINFO && value instanceof asn1js.Sequence) {
    const guid = value.valueBlock.value[1];
    if (guid instanceof asn1js.OctetString) sipGuid = Buffer.from(guid.valueBlock.valueHexView).toString('hex').toUpperCase();
  }
  return {
    dataType,
    ...(sipGuid !== undefined ? { sipGuid } : {}),
    digestAlgorithmOid,
    ...(digestAlgorithm ? { digestAlgorithm } : {}),
    digest: new Uint8Array(digest.valueBlock.valueHexView),
  };
}
