/**
 * asn1js' fromBER, made total: asn1js reports most malformed DER through `result.error`, but some values
 * throw instead (a GeneralizedTime/UTCTime whose digits do not parse: "Wrong input string for conversion").
 * One flipped byte inside a signed PE's signature made `fileinfo` crash on it and skip every file after
 * it (issue 12). Every BER decode of untrusted bytes in fileinfo goes through here.
 */
import * as asn1js from 'asn1js';

export type BerResult = ReturnType<typeof asn1js.fromBER>;

/** fromBER that never throws: a thrown decode error comes back as `offset: -1` with `result.error`. */
export function fromBerSafe(bytes: Uint8Array | ArrayBuffer, opts?: { copyInput?: boolean }): BerResult {
  try {
    return opts ? asn1js.fromBER(bytes, opts) : asn1js.fromBER(bytes);
  } catch (e) {
    const message = String((e as Error)?.message ?? e).toLowerCase().replace(/\.$/, '');
    // The shape asn1js itself returns for undecodable input: offset -1 and a result carrying `error`.
    const result = Object.assign(new asn1js.Any(), { error: `undecodable value (${message})` });
    return { offset: -1, result } as unknown as BerResult;
  }
}
