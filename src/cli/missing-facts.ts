/**
 * A decision made from a path alone cannot see publisher or hash rules: say so, so that "Allowed … no Deny rule
 * did" is not read as "no Deny rule applies to this file" (a publisher Deny rule may well apply to the real file).
 */
import { collectionForPath, findCollection, type AppLockerPolicy, type FileInformation } from '../policy/index.js';

/** The caveat for one file, or undefined when the file's facts were enough for every rule of its collection. */
export function missingFactsNote(policy: AppLockerPolicy, file: FileInformation): string | undefined {
  const type = file.collection ?? collectionForPath(file.path);
  const rules = type ? findCollection(policy, type)?.rules ?? [] : [];
  const publisherRules = file.publisher ? 0 : rules.filter((r) => r.kind === 'FilePublisherRule').length;
  const hashRules = Object.keys(file.hashes).length ? 0 : rules.filter((r) => r.kind === 'FileHashRule').length;
  if (!publisherRules && !hashRules) return undefined;
  const parts = [
    ...(publisherRules ? [`${publisherRules} publisher rule${publisherRules === 1 ? '' : 's'} (no --publisher given)`] : []),
    ...(hashRules ? [`${hashRules} hash rule${hashRules === 1 ? '' : 's'} (no --hash given)`] : []),
  ];
  return `the ${type} collection's ${parts.join(' and ')} could not be checked against this file, so the verdict may differ for the real file; give its facts with --publisher/--hash or --file-info (from \`lockstep fileinfo --json\`)`;
}
