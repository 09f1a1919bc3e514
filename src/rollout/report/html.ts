/**
 * The readiness report as ONE self-contained HTML file (issue 6 item 6): inline CSS, no scripts, no
 * external requests, and charts rendered server-side to inline SVG with ECharts SSR
 * (`echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })` → `renderToSVGString()`):
 * would-be-blocked executions over time per group, top files, and coverage (machines reporting vs quiet,
 * and how much of the would-be-blocked evidence the suggested rules cover). Pure: returns a string.
 */
import * as echarts from 'echarts';
import { renderDiagnostic } from '../../diag/index.js';
import type { GpoReadiness, GroupReadiness, ReadinessReport, ReadinessVerdict } from '../analysis/readiness.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Renders one ECharts option to an SVG string (no DOM; the chart is disposed afterwards). */
export function renderChartSvg(option: echarts.EChartsOption, width = 720, height = 300): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

function daysBetween(since: string, until: string): string[] {
  const out: string[] = [];
  const end = Date.parse(until.slice(0, 10) + 'T00:00:00Z');
  // INVARIANT: at most 3660 days, so a hostile --since cannot blow up the chart
  for (let t = Date.parse(since.slice(0, 10) + 'T00:00:00Z'); t <= end && out.length < 3660; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

function overTimeChart(g: GpoReadiness, r: ReadinessReport): string {
  const days = daysBetween(r.since, r.until);
  const series = g.groups.map((grp) => {
    const per = new Map<string, number>();
    // without a candidate the would-be-blocked evidence is the audited (and blocked) events of the GPO's collections
    for (const d of grp.daily) if (d.outcome === 'audited' || d.outcome === 'blocked') per.set(d.day, (per.get(d.day) ?? 0) + d.events);
    return { name: grp.group, type: 'line' as const, showSymbol: false, data: days.map((d) => per.get(d) ?? 0) };
  });
  return renderChartSvg({
    title: { text: 'Would-be-blocked executions per day (audit events)', textStyle: { fontSize: 13 } },
    legend: { top: 24 }, grid: { top: 60, left: 50, right: 20, bottom: 40 },
    xAxis: { type: 'category', data: days }, yAxis: { type: 'value' }, series,
  });
}

function topFilesChart(g: GpoReadiness): string {
  const all = g.groups.flatMap((grp) => grp.wouldBlock.map((f) => ({ name: `${grp.group}: ${f.filePath.slice(f.filePath.lastIndexOf('\\') + 1)}`, events: f.events })));
  const merged = new Map<string, number>();
  for (const f of all) merged.set(f.name, (merged.get(f.name) ?? 0) + f.events);
  const top = [...merged].sort((a, b) => b[1] - a[1]).slice(0, 10).reverse();
  return renderChartSvg({
    title: { text: 'Top would-be-blocked files (executions)', textStyle: { fontSize: 13 } },
    grid: { top: 40, left: 220, right: 30, bottom: 30 },
    xAxis: { type: 'value' }, yAxis: { type: 'category', data: top.map((t) => t[0]) },
    series: [{ type: 'bar', data: top.map((t) => t[1]), itemStyle: { color: '#c0392b' } }],
  }, 720, Math.max(160, 60 + top.length * 26));
}

function coverageChart(g: GpoReadiness): string {
  const names = g.groups.map((x) => x.group);
  const covered = g.groups.map((x) => Math.min(x.suggestions.reduce((s, r) => s + r.events, 0), x.wouldBlock.reduce((s, f) => s + f.events, 0)));
  const uncovered = g.groups.map((x, i) => x.wouldBlock.reduce((s, f) => s + f.events, 0) - covered[i]!);
  return renderChartSvg({
    title: { text: 'Coverage: machines reporting, and would-be-blocked executions the suggested rules cover', textStyle: { fontSize: 13 } },
    legend: { top: 24 }, grid: [{ top: 70, left: 110, right: '55%', bottom: 30 }, { top: 70, left: '55%', right: 20, bottom: 30 }],
    xAxis: [{ type: 'value', gridIndex: 0 }, { type: 'value', gridIndex: 1 }],
    yAxis: [{ type: 'category', data: names, gridIndex: 0 }, { type: 'category', data: names, gridIndex: 1 }],
    series: [
      { name: 'reporting', type: 'bar', stack: 'm', xAxisIndex: 0, yAxisIndex: 0, data: g.groups.map((x) => x.machinesReporting), itemStyle: { color: '#27ae60' } },
      { name: 'quiet', type: 'bar', stack: 'm', xAxisIndex: 0, yAxisIndex: 0, data: g.groups.map((x) => x.machines - x.machinesReporting), itemStyle: { color: '#bdc3c7' } },
      { name: 'covered by suggestions', type: 'bar', stack: 'c', xAxisIndex: 1, yAxisIndex: 1, data: covered, itemStyle: { color: '#2980b9' } },
      { name: 'no safe rule', type: 'bar', stack: 'c', xAxisIndex: 1, yAxisIndex: 1, data: uncovered, itemStyle: { color: '#e67e22' } },
    ],
  }, 720, Math.max(200, 110 + names.length * 34));
}

function groupHtml(g: GroupReadiness): string {
  const rows = g.wouldBlock.slice(0, 200).map((f) => `<tr><td>${escapeHtml(f.collection)}</td><td class="p">${escapeHtml(f.filePath)}</td><td>${f.events}</td><td>${f.userCount}</td><td>${f.computerCount}</td><td>${escapeHtml([f.cause, f.approvedApp ? `approved: ${f.approvedApp}` : '', f.byAdministrator ? 'administrator' : '', f.userWritable ? 'user-writable' : '', f.fqbnText ? 'signed' : 'unsigned'].filter(Boolean).join(', '))}</td></tr>`).join('\n');
  const sugg = g.suggestions.map((s) => `<tr><td>${s.type}</td><td>${escapeHtml(s.collection)}</td><td>${escapeHtml(s.rule.name)}</td><td>${s.files}</td><td>${s.events}</td><td>${escapeHtml(s.reason)}</td></tr>`).join('\n');
  const colls = g.collections.map((c) => `<li>${escapeHtml(c.collection)}: <b>${escapeHtml(c.mode)}</b>${c.modeSource ? ` (set by ${escapeHtml(c.modeSource)})` : ''}, ${c.rules} rules (${escapeHtml(Object.entries(c.ruleSources).map(([k, v]) => `${v} from ${k}`).join(', '))})</li>`).join('');
  return `<section class="group"><h3>${escapeHtml(g.group)} — <span class="${verdictClass(g.verdict)}">${g.verdict}</span></h3>
<p>GPOs, lowest precedence first: ${g.gpos.map((x) => escapeHtml(`${x.name} [${x.target}, link ${x.order}]`)).join(' → ')}${g.support ? ` · support: ${escapeHtml(g.support)}` : ''}</p>
<ul>${colls}</ul>
<p>Evidence ${escapeHtml(g.window.firstSeen?.slice(0, 10) ?? '—')} → ${escapeHtml(g.window.lastSeen?.slice(0, 10) ?? '—')} (${g.window.days} days, ${g.window.events} events); ${g.machinesReporting} of ${g.machines} machines reporting${g.quietMachines.length ? `; quiet: ${escapeHtml(g.quietMachines.slice(0, 10).join(', '))}` : ''}</p>
${g.reasons.length ? `<ul class="reasons">${g.reasons.map((r) => `<li class="${r.severity}">${escapeHtml(renderDiagnostic(r))}</li>`).join('')}</ul>` : ''}
${rows ? `<table><thead><tr><th>Collection</th><th>File (as logged)</th><th>Executions</th><th>Users</th><th>Machines</th><th>Notes</th></tr></thead><tbody>${rows}</tbody></table>` : '<p>Nothing would be blocked under Enforce.</p>'}
${sugg ? `<h4>Suggested rules</h4><table><thead><tr><th>Type</th><th>Collection</th><th>Rule</th><th>Files</th><th>Executions</th><th>Why</th></tr></thead><tbody>${sugg}</tbody></table>` : ''}
</section>`;
}

function verdictClass(v: ReadinessVerdict): string {
  return v === 'READY' ? 'ok' : v === 'INSUFFICIENT EVIDENCE' ? 'warn' : 'no';
}

/** The evidence gaps of a GPO (issue 10 item 6): insufficient ones first, each with its dates. */
function gapsHtml(g: GpoReadiness): string {
  const gaps = [...g.sufficiency.gaps].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'insufficient' ? -1 : 1));
  if (gaps.length === 0) return '';
  const rows = gaps.slice(0, 200).map((x) => `<tr class="${x.severity}"><td>${x.severity === 'insufficient' ? 'gap' : 'note'}</td><td>${escapeHtml(x.group)}</td><td>${escapeHtml(x.from ?? '')}${x.to && x.to !== x.from ? ` → ${escapeHtml(x.to)}` : ''}</td><td>${escapeHtml(x.message)}${x.help ? `<br><small>${escapeHtml(x.help)}</small>` : ''}</td></tr>`).join('\n');
  const more = gaps.length > 200 ? `<p>… ${gaps.length - 200} more in the JSON report.</p>` : '';
  return `<h3>Evidence gaps</h3><table class="gaps"><thead><tr><th></th><th>Group</th><th>Dates</th><th>What is missing</th></tr></thead><tbody>${rows}</tbody></table>${more}`;
}

/** The whole report as one HTML document. */
export function renderReadinessHtml(r: ReadinessReport): string {
  const gpos = r.gpos.map((g) => `<section class="gpo"><h2>${escapeHtml(g.gpo)} <small>${escapeHtml(g.guid)}</small> — <span class="${verdictClass(g.verdict)}">${g.verdict}</span></h2>
<p>Collections: ${escapeHtml(g.collections.join(', ') || 'none')}${g.candidate ? ` · candidate policy: ${escapeHtml(g.candidate)}` : ''}</p>
${g.reasons.length ? `<ul class="reasons">${g.reasons.map((x) => `<li class="${x.severity}">${escapeHtml(renderDiagnostic(x))}</li>`).join('')}</ul>` : ''}
${gapsHtml(g)}
<figure class="chart" data-chart="over-time">${overTimeChart(g, r)}</figure>
<figure class="chart" data-chart="top-files">${topFilesChart(g)}</figure>
<figure class="chart" data-chart="coverage">${coverageChart(g)}</figure>
${g.groups.map(groupHtml).join('\n')}
</section>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Lockstep readiness — ${escapeHtml(r.workspace)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
h1{margin-bottom:0}.ok{color:#1e8449}.no{color:#c0392b}.warn{color:#b9770e}tr.insufficient td:first-child{color:#b9770e;font-weight:bold}small{color:#777;font-weight:normal}
table{border-collapse:collapse;margin:.5em 0;width:100%}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
td.p{font-family:monospace;word-break:break-all}.reasons li.error{color:#c0392b}.reasons li.warning{color:#b9770e}
section.gpo{border-top:2px solid #444;margin-top:2em}figure.chart{margin:1em 0}
</style></head><body>
<h1>Lockstep readiness report</h1>
<p>${escapeHtml(r.workspace)} · window ${escapeHtml(r.since.slice(0, 10))} → ${escapeHtml(r.until.slice(0, 10))} · overall <b class="${verdictClass(r.verdict)}">${r.verdict}</b></p>
${r.notes.length ? `<ul class="reasons">${r.notes.map((x) => `<li class="${x.severity}">${escapeHtml(renderDiagnostic(x))}</li>`).join('')}</ul>` : ''}
${gpos}
</body></html>
`;
}
