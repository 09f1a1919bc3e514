/** Workspace `monitor: alerts:` (issue 14): kinds, defaults for missing fields, located errors, round trip. */
import { describe, expect, it } from 'vitest';
import { fleetWorkspace, simulateFleet, workspaceYaml } from '../index.js';
import { parseWorkspace } from './parse.js';

const base = 'version: 1\nname: t\ngroups: []\ngpos: []\n';

describe('monitor alerts in lockstep.yaml', () => {
  it('reads each kind, filling missing fields with the documented defaults', () => {
    const r = parseWorkspace(`${base}monitor:\n  alerts:\n    - kind: threshold\n      blocksPerDay: 20\n    - kind: spike\n      name: burst\n    - kind: approved-blocked\n`, { file: 'lockstep.yaml' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.monitor?.alerts).toEqual([
      { kind: 'threshold', blocksPerDay: 20 },
      { kind: 'spike', name: 'burst', factor: 3, baselineDays: 7, minBlocks: 10 },
      { kind: 'approved-blocked' },
    ]);
  });

  it('absent: no monitor section (the use case applies DEFAULT_ALERTS)', () => {
    const r = parseWorkspace(base);
    expect(r.ok && r.value.monitor).toBe(undefined);
  });

  it('an unknown kind or a bad number is an error located at its line', () => {
    const r = parseWorkspace(`${base}monitor:\n  alerts:\n    - kind: storm\n    - kind: threshold\n      blocksPerDay: -1\n`, { file: 'lockstep.yaml' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const d = r.diagnostics.map((x) => [x.code, x.location && 'line' in x.location ? x.location.line : 0]);
    expect(d).toEqual([['rollout.workspace.wrong-type', 7], ['rollout.workspace.invalid-threshold', 9]]);
  });

  it('round-trips through workspaceYaml', () => {
    const ws = { ...fleetWorkspace(simulateFleet({ seed: 1, machines: 6 })), monitor: { alerts: [{ kind: 'threshold' as const, blocksPerDay: 5 }] } };
    const r = parseWorkspace(workspaceYaml(ws));
    expect(r.ok && r.value.monitor).toEqual({ alerts: [{ kind: 'threshold', blocksPerDay: 5 }] });
  });
});
