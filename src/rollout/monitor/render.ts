/**
 * `report monitor` as text and as one self-contained HTML page (issue 14 item 3). Pure: strings in, string out.
 */
import type { GroupMonitor } from './monitor.js';

/** The part of the use case's outcome the renderers need (app/monitor.ts `GpoMonitor`). */
export interface MonitorView {
  readonly gpo: string;
  readonly promotion?: { readonly seq: number; readonly time: string; readonly actor: string; readonly collections: readonly string[] };
  readonly since?: string;
  readonly until: string;
  readonly groups: readonly GroupMonitor[];
}

const base = (p: string): string => p.split(/[\\/]/).pop() ?? p;

export function renderMonitorText(gpos: readonly MonitorView[]): string {
  const lines: string[] = [];
  for (const g of gpos) {
    if (!g.promotion) {
      lines.push(`${g.gpo}: not promoted (no \`promote\` in the history since its last rollback): nothing to monitor`);
      continue;
    }
    lines.push(`${g.gpo}: promoted ${g.promotion.time} by ${g.promotion.actor} (${g.promotion.collections.join(', ') || 'every collection'}); blocks ${g.since} → ${g.until}`);
    for (const gr of g.groups) {
      lines.push(`  ${gr.group}: ${gr.blocks} blocks of ${gr.files.length} files (${gr.newFiles} new since the promotion), ${gr.users.length} users, ${gr.computers.length} machines; forecast ${gr.predictedBlocks}${gr.support ? `; support: ${gr.support}` : ''}`);
      const days = new Map<string, number>();
      for (const d of gr.perDay) days.set(d.day, (days.get(d.day) ?? 0) + d.blocks);
      if (days.size) lines.push(`    per day: ${[...days].map(([d, n]) => `${d} ${n}`).join(', ')}`);
      for (const f of gr.files.slice(0, 20)) {
        lines.push(`    ${f.approvedApp ? 'CRITICAL ' : ''}${f.collection ?? '?'} ${f.filePath}: ${f.blocks} blocks (predicted ${f.predicted})${f.newSincePromotion ? ', new' : ''}${f.approvedApp ? `, approved app \`${f.approvedApp}\`` : ''}; ${f.users.length} users, ${f.computers.length} machines`);
      }
      if (gr.files.length > 20) lines.push(`    … ${gr.files.length - 20} more files (--json lists them all)`);
      for (const p of gr.predictedNotOccurred.slice(0, 10)) lines.push(`    forecast ${p.events} blocks of ${base(p.filePath)} (${p.collection}), none occurred`);
      for (const f of gr.findings.filter((x) => x.severity === 'critical' && x.code === 'rollout.monitor.rollback-recommended')) lines.push(`    ROLLBACK RECOMMENDED: ${f.message}`);
      for (const a of gr.alerts) lines.push(`    ALERT ${a.rule}: ${a.message}`);
    }
  }
  return lines.join('\n');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export function renderMonitorHtml(gpos: readonly MonitorView[], generatedAt: string): string {
  const body: string[] = [];
  for (const g of gpos) {
    body.push(`<h2>${esc(g.gpo)}</h2>`);
    if (!g.promotion) {
      body.push('<p>Not promoted: nothing to monitor.</p>');
      continue;
    }
    body.push(`<p>Promoted ${esc(g.promotion.time)} by ${esc(g.promotion.actor)} (${esc(g.promotion.collections.join(', ') || 'every collection')}). Blocks from ${esc(g.since ?? '')} to ${esc(g.until)}.</p>`);
    for (const gr of g.groups) {
      body.push(`<h3>${esc(gr.group)}${gr.rollbackRecommended ? ' <span class="crit">rollback recommended</span>' : ''}</h3>`);
      body.push(`<p>${gr.blocks} blocks of ${gr.files.length} files (${gr.newFiles} new), ${gr.users.length} users, ${gr.computers.length} machines; the audit period forecast ${gr.predictedBlocks}.</p>`);
      const days = new Map<string, number>();
      for (const d of gr.perDay) days.set(d.day, (days.get(d.day) ?? 0) + d.blocks);
      const max = Math.max(1, ...days.values());
      if (days.size) body.push(`<table class="bars">${[...days].map(([d, n]) => `<tr><td>${esc(d)}</td><td><div style="width:${Math.round((n / max) * 300)}px"></div></td><td>${n}</td></tr>`).join('')}</table>`);
      body.push('<table><tr><th>Collection</th><th>File</th><th>Blocks</th><th>Predicted</th><th>New</th><th>Approved app</th><th>Users</th><th>Machines</th></tr>');
      for (const f of gr.files) body.push(`<tr${f.approvedApp ? ' class="crit"' : ''}><td>${esc(f.collection ?? '')}</td><td>${esc(f.filePath)}</td><td>${f.blocks}</td><td>${f.predicted}</td><td>${f.newSincePromotion ? 'yes' : ''}</td><td>${esc(f.approvedApp ?? '')}</td><td>${f.users.length}</td><td>${f.computers.length}</td></tr>`);
      body.push('</table>');
      if (gr.alerts.length) body.push(`<ul>${gr.alerts.map((a) => `<li>Alert <b>${esc(a.rule)}</b>: ${esc(a.message)}</li>`).join('')}</ul>`);
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lockstep — monitoring after enforcement</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}.crit{color:#a00;font-weight:bold}.bars div{background:#c33;height:10px}.bars td{border:0}</style></head>
<body><h1>Monitoring after enforcement</h1><p>Generated ${esc(generatedAt)}.</p>${body.join('\n')}</body></html>
`;
}
