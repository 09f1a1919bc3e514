/**
 * Which machines belong to a business group (workspace membership: OU, computer-name pattern, explicit
 * list) resolved against the machines inventory, and how evidence computer names (FQDNs, as events log
 * them, applocker.md §9.4) map back to inventory names. Used by analysis/readiness.ts.
 */
import type { BusinessGroup, Machine } from '../workspace/model.js';
import { ouWithin } from './effective.js';

function globToRegex(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Machine names (upper-case, short) that belong to the group. */
export function groupMachines(group: BusinessGroup, inventory: readonly Machine[]): string[] {
  const patterns = group.membership.namePatterns.map(globToRegex);
  const out = new Set<string>();
  for (const m of inventory) {
    if (group.membership.ous.some((ou) => ouWithin(m.ou, ou)) || patterns.some((re) => re.test(m.name))) out.add(m.name.toUpperCase());
  }
  for (const c of group.membership.computers) out.add(c.toUpperCase());
  return [...out].sort();
}

/** The short (NetBIOS-style) name of a logged computer name: `FIN-WS-0001.CONTOSO.EXAMPLE` → `FIN-WS-0001`. */
export function shortComputerName(name: string): string {
  const dot = name.indexOf('.');
  return (dot < 0 ? name : name.slice(0, dot)).toUpperCase();
}

/** The names to ask the evidence store for: short names and, with a domain, the FQDNs. */
export function evidenceComputerNames(machines: readonly string[], domain: string | undefined): string[] {
  const out: string[] = [];
  for (const m of machines) {
    out.push(m);
    if (domain) out.push(`${m}.${domain}`.toUpperCase());
  }
  return out;
}
