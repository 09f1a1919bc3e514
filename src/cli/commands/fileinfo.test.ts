/**
 * `lockstep fileinfo` human output against a golden file (Get-AppLockerFileInformation's Path / Publisher /
 * Hash / AppX lines with AppLocker path variables, applocker.md §8.2, §4.3), and its --json shape.
 * Regenerate with `UPDATE_GOLDEN=1 npx vitest run src/cli/commands/fileinfo.test.ts` and review the diff.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusPath, fileIdentity, hasCorpus } from '../../../test-support/corpus.js';
import { runCliInProcess } from '../../../test-support/cli.js';

const golden = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'fileinfo.golden');
const tmp = mkdtempSync(join(tmpdir(), 'lockstep-fileinfo-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = runCliInProcess;

describe.skipIf(!hasCorpus)('lockstep fileinfo', () => {
  const place = (rel: string, src: string): string => {
    const p = join(tmp, 'C', rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, readFileSync(corpusPath(src)));
    return p;
  };
  it('prints what Get-AppLockerFileInformation prints (golden)', async () => {
    const files = [
      place('Windows/System32/hello-world.ps1', fileIdentity.ps1),
      place('Program Files (x86)/Eyes/wineyes.exe', fileIdentity.wineyes),
      place('Users/Public/setup.msi', fileIdentity.msiSigned),
      place('Users/Public/app.msix', fileIdentity.msixSigned),
    ];
    const r = await run(['fileinfo', '--os-root', join(tmp, 'C'), ...files]);
    expect(r.code).toBe(0);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden)) writeFileSync(golden, r.stdout);
    expect(r.stdout).toBe(readFileSync(golden, 'utf8'));
  });
  it('--json carries the display fields, the FileInformation and exit 1 for an unreadable path', async () => {
    const p = place('Windows/x.msi', fileIdentity.msiUnsigned);
    const r = await run(['fileinfo', '--json', '--os-root', join(tmp, 'C'), p, join(tmp, 'missing.exe')]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(j[0]).toMatchObject({ Path: '%WINDIR%\\X.MSI', Publisher: '', AppX: false, kind: 'MSI', collection: 'Msi', signature: 'NotSigned' });
    expect((j[0]!.info as { path: string }).path).toBe('C:\\Windows\\x.msi');
    expect(j[1]).toMatchObject({ error: { reason: 'ENOENT' } });
  });
});
