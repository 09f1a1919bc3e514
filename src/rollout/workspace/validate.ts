/**
 * Cross-reference checks of a parsed workspace (issue 6 item 1): unique group and GPO names, GPO GUIDs in
 * `{8-4-4-4-12}` form and unique, link targets that are a business group or an OU distinguished name,
 * link orders unique per target (Group Policy gives each link on a target its own order, §6.1), every GPO
 * linked, a usable evidence store. Located through `workspace.locations` (set by parse.ts).
 */
import type { Diagnostic, TextLocation } from '../../diag/index.js';
import { confineWorkspacePath } from './confine.js';
import { WorkspaceCode as C } from './errors.js';
import type { Workspace } from './model.js';

const GUID_RE = /^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$/;

/** Returns the problems found; an empty list means the workspace is consistent. */
export function validateWorkspace(ws: Workspace, file?: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const loc = (key: string): TextLocation | undefined => ws.locations.get(key) ?? (file ? { kind: 'text', file, line: 1, column: 1 } : undefined);
  const d = (code: string, message: string, key: string, help?: string, severity: Diagnostic['severity'] = 'error'): void => {
    const l = loc(key);
    out.push({ code, severity, message, ...(l ? { location: l } : {}), ...(help ? { help } : {}) });
  };
  const groupNames = new Map<string, number>();
  ws.groups.forEach((g, i) => {
    const k = g.name.toLowerCase();
    if (groupNames.has(k)) d(C.duplicateName, `business group \`${g.name}\` is declared twice`, `groups[${i}]`, `first declared as groups[${groupNames.get(k)}]`);
    else groupNames.set(k, i);
  });
  const gpoNames = new Map<string, number>();
  const guids = new Map<string, number>();
  ws.gpos.forEach((g, i) => {
    const k = g.name.toLowerCase();
    if (gpoNames.has(k)) d(C.duplicateName, `GPO \`${g.name}\` is declared twice`, `gpos[${i}]`, `first declared as gpos[${gpoNames.get(k)}]`);
    else gpoNames.set(k, i);
    if (!GUID_RE.test(g.guid)) {
      d(C.invalidGuid, `GPO GUID \`${g.guid}\` is not a braced GUID`, `gpos[${i}].guid`, 'write it as the Group Policy console shows it: `{31B2F340-016D-11D2-945F-00C04FB984F9}`');
    } else if (guids.has(g.guid.toUpperCase())) {
      d(C.duplicateName, `GPO GUID \`${g.guid}\` is used by two GPOs`, `gpos[${i}].guid`, `also gpos[${guids.get(g.guid.toUpperCase())}]`);
    } else guids.set(g.guid.toUpperCase(), i);
    if (g.links.length === 0) d(C.unlinkedGpo, `GPO \`${g.name}\` is not linked to any group or OU`, `gpos[${i}]`, 'add `links: [{ target: <group or OU DN>, order: 1 }]`', 'warning');
    const orders = new Set<string>();
    g.links.forEach((l, j) => {
      const isDn = /^(OU|DC|CN)=/i.test(l.target.trim());
      if (!isDn && !groupNames.has(l.target.toLowerCase())) {
        const known = [...ws.groups.map((x) => x.name)];
        d(C.unknownLinkTarget, `link target \`${l.target}\` is neither a business group nor an OU distinguished name`, `gpos[${i}].links[${j}]`, known.length ? `groups: ${known.map((x) => `\`${x}\``).join(', ')}; OUs look like \`OU=Finance,DC=contoso,DC=com\`` : undefined);
      }
      const key = l.target.toLowerCase();
      if (orders.has(key)) d(C.invalidLinkOrder, `GPO \`${g.name}\` is linked to \`${l.target}\` twice`, `gpos[${i}].links[${j}]`);
      orders.add(key);
    });
  });
  // link order is per target: two GPOs on one target must not share an order (the console renumbers them)
  const byTarget = new Map<string, Map<number, string>>();
  ws.gpos.forEach((g, i) => g.links.forEach((l, j) => {
    const t = l.target.toLowerCase();
    const m = byTarget.get(t) ?? new Map<number, string>();
    const other = m.get(l.order);
    if (other) d(C.invalidLinkOrder, `GPOs \`${other}\` and \`${g.name}\` both have link order ${l.order} on \`${l.target}\``, `gpos[${i}].links[${j}]`, 'give each GPO linked to the same target its own order (1 = highest precedence)');
    m.set(l.order, g.name);
    byTarget.set(t, m);
  }));
  // Every path the workspace writes stays inside it (confine.ts; issue 12). `--store`/`--workspace` on the
  // command line are the user's own choice and are not checked.
  const outside = (p: string, key: string, what: string): void => {
    const r = confineWorkspacePath(p);
    if (!r.ok) d(C.pathOutside, `${what} \`${p}\` ${r.reason}: workspace paths must stay inside the workspace`, key, 'write it relative to the folder of lockstep.yaml; to use a file elsewhere, pass it on the command line');
  };
  ws.gpos.forEach((g, i) => outside(g.policy, `gpos[${i}]`, `policy path of GPO \`${g.name}\``));
  if (ws.inventory) outside(ws.inventory, 'inventory', 'inventory path');
  const s = ws.store.trim();
  if (!s.startsWith('env:') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(s) && s !== ':memory:') outside(s, 'store', 'store path');
  if (s.startsWith('env:') && !/^env:[A-Za-z_][A-Za-z0-9_]*$/.test(s)) {
    d(C.invalidStore, `store \`${ws.store}\` must name an environment variable, e.g. \`env:LOCKSTEP_STORE_URL\``, 'store');
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) && !/^postgres(ql)?:\/\//i.test(s)) {
    d(C.invalidStore, `store URL \`${ws.store}\` is not supported`, 'store', 'use a file path (SQLite) or a `postgres://` URL');
  }
  return out;
}
