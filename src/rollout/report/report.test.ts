import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryEvidence } from '../analysis/memory-evidence.js';
import { analyseReadiness } from '../analysis/readiness.js';
import { simulateEvents } from '../simulate/events.js';
import { simulateFleet } from '../simulate/fleet.js';
import { fleetInventory, fleetWorkspace } from '../simulate/workspace.js';
import { renderReadinessHtml } from './html.js';
import { readinessJson } from './json.js';
import { profileWildcard, renderReadinessText } from './text.js';

const here = dirname(fileURLToPath(import.meta.url));
const GOLDEN = join(here, '..', 'testdata', 'readiness-seed3.txt.golden');
const UPDATE = process.env.LOCKSTEP_UPDATE_GOLDEN === '1';

async function report() {
  const fleet = simulateFleet({ seed: 3, machines: 12, quietShare: 0.15 });
  const events = simulateEvents(fleet, { seed: 3, days: 16, end: '2026-11-20' });
  return analyseReadiness({
    workspace: fleetWorkspace(fleet), inventory: fleetInventory(fleet), policies: new Map(fleet.gpos.map((g) => [g.name, g.policyDocument])),
    evidence: memoryEvidence(events), now: '2026-11-20T00:00:00.000Z', sinceDays: 30,
  });
}

describe('readiness reports', () => {
  it('text matches the golden file (LOCKSTEP_UPDATE_GOLDEN=1 rewrites it; review the diff)', async () => {
    const text = renderReadinessText(await report());
    if (UPDATE || !existsSync(GOLDEN)) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
    expect(profileWildcard('%OSDRIVE%\\USERS\\ALEX\\APPDATA\\X.EXE')).toBe('%OSDRIVE%\\USERS\\*\\APPDATA\\X.EXE');
  });

  it('HTML is one self-contained document with inline SVG charts; JSON round-trips', async () => {
    const r = await report();
    const html = renderReadinessHtml(r);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link |<img |url\(http|src="http/i);
    const figures = [...html.matchAll(/<figure class="chart" data-chart="([a-z-]+)">(<svg[\s\S]*?<\/svg>)<\/figure>/g)];
    expect(figures.length).toBe(r.gpos.length * 3);
    for (const [, kind, svg] of figures) {
      expect(['over-time', 'top-files', 'coverage']).toContain(kind);
      expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(svg).toMatch(/<path|<rect/);
    }
    // the over-time chart of the Finance GPO draws the Finance series; its top-files chart names FINCALC
    const fin = html.slice(html.indexOf('AppLocker - Finance'));
    expect(fin).toContain('FINCALC.EXE');
    const json = JSON.parse(JSON.stringify(readinessJson(r)));
    expect(json.gpos.map((g: { verdict: string }) => g.verdict)).toEqual(r.gpos.map((g) => g.verdict));
    expect(json.notes.length + json.gpos[0].reasons.length).toBeGreaterThan(0);
  });

  it('escapes hostile text from the evidence', async () => {
    const r = await report();
    const g = r.gpos[0]!;
    const evil = { ...r, workspace: '<script>alert(1)</script>', gpos: [{ ...g, gpo: '"><img src=x onerror=alert(1)>' }] };
    const html = renderReadinessHtml(evil);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
  });
});

describe('HTML shows no Markdown', () => {
  it('has no backticks: code spans become <code>', async () => {
    const r = await report();
    const html = renderReadinessHtml(r);
    expect(html).toContain('<code>');
    expect(html.replace(/<svg[\s\S]*?<\/svg>/g, '')).not.toContain('`');
  });
});
