/**
 * `policy.xml` for `Set-AppLockerPolicy -XmlPolicy FILE` (deployment.md §2.1: -XmlPolicy takes a file path).
 * Written as UTF-16LE with BOM, CRLF and `encoding="utf-16"`: the form GPMC and AaronLocker save
 * (deployment.md §2.2, AARON SaveXmlDocAsUnicode); whether -XmlPolicy also reads UTF-8 is undocumented
 * (*uncertain* there), so we emit the documented form. Always the full `<AppLockerPolicy>` root.
 */
import { encodePolicy, type AppLockerPolicy } from '../../policy/index.js';

export function policyXmlBytes(policy: AppLockerPolicy): Uint8Array {
  return encodePolicy(policy, { encoding: 'utf-16le', bom: true, newline: 'crlf', root: 'AppLockerPolicy', style: 'pretty' });
}
