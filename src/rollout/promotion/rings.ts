/**
 * Rings (issue 11 item 3): pilot machines or OUs that enforce before the broad GPO does. Declared in the
 * workspace's `rings.yaml`:
 *
 *   rings:
 *     - gpo: AppLocker - Finance          # the broad GPO the ring pilots
 *       name: pilot
 *       ou: OU=Pilot,OU=Finance,OU=Workstations,DC=contoso,DC=example
 *
 * Promoting a ring produces a pilot GPO: the broad GPO's policy with the chosen collections enforced, its own
 * GUID placeholder for the admin to create, linked to the ring's OU. Linked to that child OU it is processed
 * after the broad GPO linked higher up, so its EnforcementMode wins on the pilot machines (applocker.md §6.1:
 * the last-applied GPO that configures a collection sets its mode; rules merge).
 */
import { parseDocument } from 'yaml';
import type { Diagnostic } from '../../diag/index.js';

export const RINGS_FILE = 'rings.yaml';

export interface Ring {
  readonly gpo: string;
  readonly name: string;
  readonly ou: string;
}

/** The placeholder GUID a ring GPO carries until the admin creates it (`New-GPO`) and pastes its GUID. */
export const RING_GUID_PLACEHOLDER = '{00000000-0000-0000-0000-000000000000}';

export function parseRings(text: string, file: string): { rings: Ring[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const at = { kind: 'text' as const, file, line: 1, column: 1 };
  if (text.length > 1 << 20) return { rings: [], diagnostics: [{ code: 'rollout.rings.too-large', severity: 'error', message: '`rings.yaml` is larger than 1 MiB', location: at }] };
  const doc = parseDocument(text, { prettyErrors: false });
  for (const e of doc.errors) diagnostics.push({ code: 'rollout.rings.yaml', severity: 'error', message: e.message.split('\n')[0]!.toLowerCase(), location: { ...at, line: e.linePos?.[0]?.line ?? 1, column: e.linePos?.[0]?.col ?? 1 } });
  if (diagnostics.length) return { rings: [], diagnostics };
  const v = doc.toJS() as { rings?: unknown } | null;
  const list = v && Array.isArray(v.rings) ? v.rings : [];
  const rings: Ring[] = [];
  list.slice(0, 1000).forEach((r: unknown, i) => {
    const o = (r ?? {}) as Record<string, unknown>;
    if (typeof o.gpo !== 'string' || typeof o.name !== 'string' || typeof o.ou !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(o.name) || !o.ou.includes('=')) {
      diagnostics.push({ code: 'rollout.rings.invalid', severity: 'error', message: `ring ${i + 1} needs \`gpo\`, \`name\` (letters, digits, - and _) and \`ou\` (a distinguished name)`, location: { ...at, path: `rings[${i}]` }, help: 'see `lockstep promote --help` for the format' });
      return;
    }
    rings.push({ gpo: o.gpo, name: o.name, ou: o.ou });
  });
  return { rings, diagnostics };
}

export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'gpo';
}

/** Where a ring's enforced policy and its GPO definition are written in the workspace. */
export function ringFiles(gpo: string, ring: string): { policy: string; definition: string } {
  return { policy: `policies/rings/${slug(gpo)}-${ring}.xml`, definition: `rings/${slug(gpo)}-${ring}.gpo.json` };
}

/** The pilot GPO the admin creates: its name, placeholder GUID, policy file and the link above the broad GPO. */
export function ringGpoDefinition(broad: { name: string; guid: string }, ring: Ring, policyFile: string): Record<string, unknown> {
  return {
    name: `${broad.name} - ${ring.name}`,
    guid: RING_GUID_PLACEHOLDER,
    pilots: { gpo: broad.name, guid: broad.guid },
    policy: policyFile,
    links: [{ target: ring.ou, order: 1 }],
    instructions: [
      `create the GPO: New-GPO -Name '${broad.name} - ${ring.name}' and replace the guid above with its Id`,
      `link it to ${ring.ou} (link order 1), below the OU the broad GPO is linked to, so it applies after it`,
      'apply the policy with `lockstep export --gpo … --ring …` then deploy.ps1',
    ],
  };
}
