/**
 * Hash condition checks (§1.1, §5.3): Type ∈ SHA256|SHA256Flat|SHA1 (case-sensitive), Data = `0x` + 64 hex
 * digits (SHA256, SHA256Flat) or 40 (SHA1), SourceFileLength a non-negative integer, no repeated hash.
 */
import type { AppLockerPolicy, FileHashType } from '../model.js';
import { enumHelp } from './collections.js';
import { clip, type PolicyCheck, type ValidationContext } from './context.js';
import { conditionSites } from './walk.js';

const HEX_DIGITS: Readonly<Record<FileHashType, number>> = { SHA256: 64, SHA256Flat: 64, SHA1: 40 };
const DATA_RE: Readonly<Record<number, RegExp>> = { 64: /^0x[0-9A-Fa-f]{64}$/, 40: /^0x[0-9A-Fa-f]{40}$/ };

export const hashesCheck: PolicyCheck = {
  name: 'hashes',
  codes: ['policy.validate.empty-hash-condition', 'policy.validate.invalid-hash-type', 'policy.validate.invalid-hash-data', 'policy.validate.invalid-file-length', 'policy.validate.duplicate-hash'],
  check(policy: AppLockerPolicy, ctx: ValidationContext): void {
    for (const { condition: c } of conditionSites(policy)) {
      if (c.kind !== 'FileHashCondition') continue;
      if (c.fileHashes.length === 0) {
        ctx.report('policy.validate.empty-hash-condition', 'error', 'the hash condition has no <FileHash>', c, undefined,
          'a hash condition needs at least one <FileHash Type=… Data=…> (applocker.md §1.1: 1..unbounded)');
      }
      const seen = new Set<string>();
      for (const h of c.fileHashes) {
        const digits = HEX_DIGITS[h.type as FileHashType] as number | undefined;
        if (digits === undefined) {
          ctx.report('policy.validate.invalid-hash-type', 'error', `unknown hash type \`${clip(h.type)}\``, h, 'Type', enumHelp(h.type, Object.keys(HEX_DIGITS)));
        } else if (!DATA_RE[digits]!.test(h.data)) {
          const hex = h.data.replace(/^0x/i, '');
          const why = !h.data.startsWith('0x') ? 'it must start with `0x`'
            : !/^[0-9A-Fa-f]*$/.test(hex) ? 'it has characters that are not hex digits'
            : `it has ${hex.length} hex digits, ${h.type} needs ${digits}`;
          ctx.report('policy.validate.invalid-hash-data', 'error', `hash \`${clip(h.data, 24)}\` is not a ${h.type} hash: ${why}`, h, 'Data',
            hex.length === 40 && digits === 64 ? 'this looks like a SHA1 hash: set `Type="SHA1"`' : hex.length === 64 && digits === 40 ? 'this looks like a SHA256 hash: set `Type="SHA256"`'
              : 'copy the hash from Get-AppLockerFileInformation (`0x` + upper-case hex)');
        }
        if (h.sourceFileLength !== undefined && !/^\+?\d{1,20}$/.test(String(h.sourceFileLength))) {
          ctx.report('policy.validate.invalid-file-length', 'warning', `SourceFileLength \`${clip(String(h.sourceFileLength))}\` is not a non-negative integer`, h, 'SourceFileLength',
            'it is informational (the file size in bytes); write the size or drop the attribute');
        }
        const key = `${h.type}:${h.data.toLowerCase()}`;
        if (seen.has(key)) {
          ctx.report('policy.validate.duplicate-hash', 'warning', `hash \`${clip(h.data, 24)}\` appears twice in one hash condition`, h, 'Data', 'remove the repeated <FileHash>');
        }
        seen.add(key);
      }
    }
  },
};
