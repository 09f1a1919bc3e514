/**
 * Rules that break on update: a hash rule whose file appears with another hash, a publisher rule pinned to
 * one version while a newer one appears; the surviving publisher rule and the events it would cover.
 */
import { describe, expect, it } from 'vitest';
import type { AppLockerPolicy } from '../../policy/model.js';
import type { FileEvidence } from '../ports.js';
import { updateDrift } from './update-drift.js';

const PUB = 'O=CONTOSO LTD, L=SEATTLE, S=WASHINGTON, C=US';
const OLD = 'A'.repeat(64), NEW = 'B'.repeat(64), OTHER = 'C'.repeat(64);

function ev(path: string, hash: string, fqbn: string | undefined, events: number): FileEvidence {
  return { collection: 'Exe', outcome: 'blocked', filePath: path, fileHash: hash, ...(fqbn ? { fqbnText: fqbn } : {}), ruleIds: [], events, userCount: 1, computerCount: 1, users: ['S-1-5-21-1-2-3-1100'], computers: ['FIN-WS-0001'], firstSeen: '2026-11-21T00:00:00Z', lastSeen: '2026-11-21T00:00:00Z' };
}

const policy: AppLockerPolicy = {
  version: '1',
  ruleCollections: [{
    type: 'Exe', enforcementMode: 'Enabled', rules: [
      { kind: 'FileHashRule', id: 'h1', name: 'LEDGER.EXE', description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow', condition: { kind: 'FileHashCondition', fileHashes: [{ type: 'SHA256', data: `0x${OLD}`, sourceFileName: 'LEDGER.EXE' }] } },
      { kind: 'FileHashRule', id: 'h2', name: 'TOOL.EXE', description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow', condition: { kind: 'FileHashCondition', fileHashes: [{ type: 'SHA256', data: `0x${OTHER}`, sourceFileName: 'TOOL.EXE' }] } },
      { kind: 'FilePublisherRule', id: 'p1', name: 'FINCALC 2.0 only', description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow', exceptions: [], condition: { kind: 'FilePublisherCondition', publisherName: PUB, productName: 'FINCALC', binaryName: 'FINCALC.EXE', binaryVersionRange: { lowSection: '2.0.0.0', highSection: '2.0.0.0' } } },
      { kind: 'FilePublisherRule', id: 'p2', name: 'REPORTER any', description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow', exceptions: [], condition: { kind: 'FilePublisherCondition', publisherName: PUB, productName: 'REPORTER', binaryName: 'REPORTER.EXE', binaryVersionRange: { lowSection: '1.0.0.0', highSection: '*' } } },
    ],
  }],
};

describe('rules that break on update', () => {
  it('warns for a changed hash and a pinned version, proposes the surviving publisher rule and counts its events', () => {
    const evidence = [
      ev('%PROGRAMFILES%\\LEDGER\\LEDGER.EXE', OLD, `${PUB}\\LEDGER\\LEDGER.EXE\\4.1.0.0`, 5),
      ev('%PROGRAMFILES%\\LEDGER\\LEDGER.EXE', NEW, `${PUB}\\LEDGER\\LEDGER.EXE\\4.2.0.0`, 14),
      ev('%PROGRAMFILES%\\TOOL\\TOOL.EXE', OTHER, undefined, 3),
      ev('%PROGRAMFILES%\\FINCALC\\FINCALC.EXE', 'D'.repeat(64), `${PUB}\\FINCALC\\FINCALC.EXE\\2.1.0.0`, 7),
      ev('%PROGRAMFILES%\\REPORTER\\REPORTER.EXE', 'E'.repeat(64), `${PUB}\\REPORTER\\REPORTER.EXE\\9.0.0.0`, 2),
    ];
    const w = updateDrift(policy, evidence, 'AppLocker - Finance');
    expect(w.map((x) => [x.kind, x.ruleId])).toEqual([['hash-changed', 'h1'], ['version-pinned', 'p1']]);
    const [hash, pinned] = w;
    expect(hash!.seen).toEqual([{ path: '%PROGRAMFILES%\\LEDGER\\LEDGER.EXE', hash: NEW, version: '4.2.0.0', events: 14 }]);
    expect(hash!.survivor?.kind === 'FilePublisherRule' && hash!.survivor.condition.binaryVersionRange).toEqual({ lowSection: '4.2.0.0', highSection: '*' });
    expect(hash!.survivorEvents).toBe(14);
    expect(pinned!.survivor?.kind === 'FilePublisherRule' && pinned!.survivor.condition.binaryVersionRange).toEqual({ lowSection: '2.0.0.0', highSection: '*' });
    expect(pinned!.survivorEvents).toBe(7);
  });

  it('is silent when the evidence shows only the allowed files', () => {
    expect(updateDrift(policy, [ev('%PROGRAMFILES%\\LEDGER\\LEDGER.EXE', OLD, undefined, 5), ev('X\\FINCALC.EXE', 'D'.repeat(64), `${PUB}\\FINCALC\\FINCALC.EXE\\2.0.0.0`, 1)], 'G')).toEqual([]);
  });

  it('an unsigned updated file gets a warning without a survivor', () => {
    const w = updateDrift(policy, [ev('%OSDRIVE%\\TOOLS\\TOOL.EXE', 'F'.repeat(64), undefined, 4)], 'G');
    expect(w.map((x) => [x.ruleId, x.survivor, x.survivorEvents])).toEqual([['h2', undefined, 0]]);
  });
});
