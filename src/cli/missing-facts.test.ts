import { describe, expect, it } from 'vitest';
import { defaultPolicy, type AppLockerPolicy } from '../policy/index.js';
import { missingFactsNote } from './missing-facts.js';

const policy: AppLockerPolicy = defaultPolicy(['Exe', 'Msi'], 'Enabled');

describe('missingFactsNote', () => {
  it('warns when a path-only decision could not see publisher rules', () => {
    // The Msi defaults include the "all signed Windows Installer files" publisher rule.
    expect(missingFactsNote(policy, { path: 'D:\\setup.msi', hashes: {} })).toMatch(/Msi collection's 1 publisher rule \(no --publisher given\)/);
  });

  it('is quiet when the facts were given or the collection has no such rules', () => {
    expect(missingFactsNote(policy, { path: 'C:\\Windows\\notepad.exe', hashes: {} })).toBeUndefined();
    expect(missingFactsNote(policy, {
      path: 'D:\\setup.msi', hashes: { SHA256: 'AA' },
      publisher: { publisherName: 'O=CONTOSO', productName: 'P', binaryName: 'B', binaryVersion: '1.0.0.0' },
    })).toBeUndefined();
  });
});
