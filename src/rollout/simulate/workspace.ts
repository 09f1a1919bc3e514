/**
 * The demo workspace of a simulated fleet: the Workspace value (business groups, GPOs with links, the
 * event-collection plan, thresholds), its machines inventory, and their text forms (`lockstep.yaml`,
 * `machines.csv`). SYNTHETIC, labelled so in every file. Used by `lockstep init --demo`, `lockstep demo`
 * and tests.
 */
import { stringify } from 'yaml';
import { APPLOCKER_CHANNELS } from '../../events/applocker-event.js';
import type { Machine, Workspace } from '../workspace/model.js';
import { DEFAULT_STORE } from '../workspace/model.js';
import { SYNTHETIC_LABEL, type SimulatedFleet } from './fleet.js';

/** The Workspace value describing the simulated fleet. */
export function fleetWorkspace(fleet: SimulatedFleet, store: string = DEFAULT_STORE): Workspace {
  return {
    version: 1,
    name: `Contoso demo fleet (seed ${fleet.seed}, synthetic)`,
    domain: fleet.domain,
    store,
    inventory: 'machines.csv',
    administrators: fleet.administrators,
    groups: fleet.groups.map((g) => g.group),
    gpos: fleet.gpos.map(({ policyDocument: _p, ...g }) => g),
    collection: { channels: [APPLOCKER_CHANNELS[0], APPLOCKER_CHANNELS[1]], subscription: 'AppLocker-Audit-Workstations', retentionDays: 90 },
    readiness: { ...fleet.thresholds, maxWouldBlock: 0 },
    locations: new Map(),
  };
}

export function fleetInventory(fleet: SimulatedFleet): Machine[] {
  return fleet.machines.map((m) => ({ name: m.name, ou: m.ou }));
}

/** `lockstep.yaml` text for a workspace (the format workspace/parse.ts reads). */
export function workspaceYaml(ws: Workspace, header: string[] = []): string {
  const doc = {
    version: ws.version,
    name: ws.name,
    ...(ws.domain ? { domain: ws.domain } : {}),
    store: ws.store,
    ...(ws.inventory ? { inventory: ws.inventory } : {}),
    administrators: [...ws.administrators],
    groups: ws.groups.map((g) => ({
      name: g.name,
      ...(g.description ? { description: g.description } : {}),
      membership: {
        ...(g.membership.ous.length ? { ous: [...g.membership.ous] } : {}),
        ...(g.membership.namePatterns.length ? { names: [...g.membership.namePatterns] } : {}),
        ...(g.membership.computers.length ? { computers: [...g.membership.computers] } : {}),
      },
      approved: g.approved.map((a) => ({ ...a })),
      ...(g.support ? { support: g.support } : {}),
    })),
    gpos: ws.gpos.map((g) => ({
      name: g.name, guid: g.guid, policy: g.policy,
      links: g.links.map((l) => ({ target: l.target, order: l.order })),
      ...(Object.keys(g.enforcement).length ? { enforcement: { ...g.enforcement } } : {}),
    })),
    collection: { channels: [...ws.collection.channels], ...(ws.collection.subscription ? { subscription: ws.collection.subscription } : {}), retentionDays: ws.collection.retentionDays },
    readiness: { ...ws.readiness },
    ...(ws.monitor ? { monitor: { alerts: ws.monitor.alerts.map((a) => ({ ...a })) } } : {}),
  };
  const comments = header.map((h) => `# ${h}\n`).join('');
  return comments + stringify(doc, { lineWidth: 0 });
}

/** `machines.csv` text: `name,ou` with a synthetic-data comment line first. */
export function inventoryCsv(machines: readonly Machine[], synthetic = true): string {
  const q = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = synthetic ? [`# ${SYNTHETIC_LABEL}`] : [];
  lines.push('name,ou', ...machines.map((m) => `${q(m.name)},${q(m.ou)}`));
  return lines.join('\n') + '\n';
}
