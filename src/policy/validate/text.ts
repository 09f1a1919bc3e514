/**
 * Checks over every string of the model: placeholder tokens a template left behind (AaronLocker's
 * `PLACEHOLDER_…`, issue 2 item 4) and characters XML 1.0 cannot carry (a generated policy with a control
 * character would serialize to XML no Windows tool reads).
 */
import type { AppLockerPolicy } from '../model.js';
import { clip, type PolicyCheck, type ValidationContext } from './context.js';

// XML 1.0 Char production, negated: C0 controls except tab/LF/CR, lone surrogates, U+FFFE/U+FFFF.
const INVALID_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every (object, attribute name, value) of the model that holds user text. */
function* strings(policy: AppLockerPolicy): Generator<[object, string, string]> {
  yield [policy, 'Version', policy.version];
  for (const c of policy.ruleCollections) {
    yield [c, 'Type', c.type];
    for (const r of c.rules) {
      yield [r, 'Id', r.id];
      yield [r, 'Name', r.name];
      yield [r, 'Description', r.description];
      yield [r, 'UserOrGroupSid', r.userOrGroupSid];
      const conds = r.kind === 'FileHashRule' ? [r.condition] : [r.condition, ...r.exceptions];
      for (const k of conds) {
        if (k.kind === 'FilePathCondition') yield [k, 'Path', k.path];
        else if (k.kind === 'FilePublisherCondition') {
          yield [k, 'PublisherName', k.publisherName];
          yield [k, 'ProductName', k.productName];
          yield [k, 'BinaryName', k.binaryName];
          if (k.binaryVersionRange) {
            yield [k.binaryVersionRange, 'LowSection', k.binaryVersionRange.lowSection];
            yield [k.binaryVersionRange, 'HighSection', k.binaryVersionRange.highSection];
          }
        } else {
          for (const h of k.fileHashes) {
            yield [h, 'Data', h.data];
            if (h.sourceFileName !== undefined) yield [h, 'SourceFileName', h.sourceFileName];
          }
        }
      }
    }
  }
}

export const textCheck: PolicyCheck = {
  name: 'text',
  codes: ['policy.validate.placeholder', 'policy.validate.invalid-character'],
  check(policy: AppLockerPolicy, ctx: ValidationContext): void {
    for (const [node, attr, value] of strings(policy)) {
      const p = value.indexOf('PLACEHOLDER_');
      if (p >= 0) {
        const token = /^PLACEHOLDER_[A-Za-z0-9_]*/.exec(value.slice(p))![0];
        ctx.report('policy.validate.placeholder', 'error', `template placeholder \`${clip(token)}\` in ${attr} was never replaced`, node, attr,
          'this is a template: run the script that fills it (e.g. AaronLocker Create-Policies.ps1) or replace the token');
      }
      const bad = INVALID_XML_CHAR.exec(value);
      if (bad) {
        const cp = bad[0].codePointAt(0)!;
        ctx.report('policy.validate.invalid-character', 'error', `${attr} \`${clip(value.replace(INVALID_XML_CHAR, '?'))}\` holds character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`, node, attr,
          'XML 1.0 cannot represent this character; remove it');
      }
    }
  },
};
