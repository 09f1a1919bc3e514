/**
 * End to end on a temp tree built here (copies of corpus files, generated scripts in nested folders, an
 * unreadable file, a dangling link, a symlink loop, a directory link back up the tree):
 * `lockstep scan` (in-process and the built CLI with worker threads), an interrupted and resumed scan with
 * no duplicates, then `lockstep rules generate` → XML that `parsePolicy` validates clean and under which the
 * reference engine allows every scanned file. Issue 4 items 5 and 6.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test-support/cli.js';
import { corpusPath, fileIdentity, hasCorpus, projectRoot } from '../../../test-support/corpus.js';
import { compilePolicy, decide, evaluateReference, principalOf } from '../../engine/index.js';
import { parseInventory, type InventoryEntry } from '../../fileinfo/index.js';
import { parsePolicy } from '../../policy/index.js';
import { runCliInProcess } from '../../../test-support/cli.js';

const run = runCliInProcess;

const built = existsSync(join(projectRoot, 'dist', 'cli', 'scan-worker.js'));
let tmp = '';
let win = '';
/** The AppLocker-governed regular files the tree holds (what a scan must record). */
let expected: string[] = [];

function put(rel: string, data: Uint8Array | string): void {
  const p = join(win, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, data);
  expected.push(p);
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'lockstep-scan-'));
  win = join(tmp, 'win');
  expected = [];
  if (hasCorpus) {
    const wineyes = readFileSync(corpusPath(fileIdentity.wineyes));
    put('Program Files/App/wineyes.exe', wineyes);
    for (let i = 0; i < 6; i++) {
      // Variants: one byte of the DOS stub changed, so each has its own Authenticode hash.
      const v = new Uint8Array(wineyes);
      v[0x4e] = i;
      put(`Program Files (x86)/Vendor/v${i}/tool${i}.exe`, v);
    }
    put('Users/bob/Downloads/setup.msi', readFileSync(corpusPath(fileIdentity.msiSigned)));
    put('Users/bob/Downloads/plain.msi', readFileSync(corpusPath(fileIdentity.msiUnsigned)));
    put('Users/bob/Downloads/app.msix', readFileSync(corpusPath(fileIdentity.msixSigned)));
    put('Windows/System32/hello.ps1', readFileSync(corpusPath(fileIdentity.ps1)));
  }
  for (let d = 0; d < 4; d++) {
    const dir = ['Program Files/Corp', ...Array.from({ length: d }, (_, k) => `level${k}`)].join('/');
    put(`${dir}/run${d}.ps1`, `Write-Output "generated ${d}"\r\n`);
    put(`${dir}/run${d}.cmd`, `@echo generated ${d}\r\n`);
  }
  put('Windows/Temp/readme.bat', '@echo temp\r\n');
  writeFileSync(join(win, 'Program Files/Corp/notes.txt'), 'not an AppLocker type');
  // An unreadable file (still readable when the tests run as root: then it is simply recorded).
  put('Program Files/Corp/locked.ps1', 'locked');
  chmodSync(join(win, 'Program Files/Corp/locked.ps1'), 0o000);
  symlinkSync(join(win, 'nowhere.exe'), join(win, 'Program Files/Corp/dangling.exe'));
  symlinkSync(join(win, 'Program Files/Corp/loop2.exe'), join(win, 'Program Files/Corp/loop1.exe'));
  symlinkSync(join(win, 'Program Files/Corp/loop1.exe'), join(win, 'Program Files/Corp/loop2.exe'));
  symlinkSync(win, join(win, 'Program Files/Corp/up.exe'));
  symlinkSync(win, join(win, 'Program Files/Corp/updir'));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const isRoot = process.getuid?.() === 0;

function entries(file: string): InventoryEntry[] {
  const r = parseInventory(readFileSync(file, 'utf8'));
  expect(r.ok).toBe(true);
  return r.ok ? r.value : [];
}

function rawLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

describe('lockstep scan (in-process, main thread)', () => {
  it('records every governed file once, with the group, and counts skips by reason', async () => {
    const out = join(tmp, 'inv-a.jsonl');
    const r = await run(['scan', win, '--os-root', win, '--group', 'Finance', '--out', out, '--workers', '0', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { files: number; skipped: Record<string, number>; byCollection: Record<string, number> };
    const lines = rawLines(out);
    const recorded = lines.map((l) => (JSON.parse(l) as InventoryEntry).path).sort();
    const want = isRoot ? [...expected].sort() : expected.filter((p) => !p.endsWith('locked.ps1')).sort();
    expect(recorded).toEqual(want);
    expect(s.files).toBe(want.length);
    expect(s.skipped.ENOENT).toBe(1);
    expect(s.skipped.ELOOP).toBe(2);
    expect(s.skipped['symlink-directory']).toBe(1);
    if (!isRoot) expect(s.skipped.EACCES).toBe(1);
    const all = entries(out);
    expect(new Set(all.map((e) => e.group))).toEqual(new Set(['Finance']));
    const exe = all.find((e) => e.path.endsWith('wineyes.exe'));
    if (hasCorpus) {
      expect(exe?.windowsPath).toBe('C:\\Program Files\\App\\wineyes.exe');
      expect(exe?.displayPath).toBe('%PROGRAMFILES%\\APP\\WINEYES.EXE');
      expect(s.byCollection.Exe).toBe(7);
    }
  });

  it('resumes after an interruption (torn last line) without duplicates', async () => {
    const out = join(tmp, 'inv-b.jsonl');
    expect((await run(['scan', win, '--os-root', win, '--group', 'Finance', '--out', out, '--workers', '0', '--json'])).code).toBe(0);
    const full = rawLines(out);
    // Simulate a kill: keep the first third and half of the next line.
    const keep = Math.floor(full.length / 3);
    writeFileSync(out, full.slice(0, keep).join('\n') + '\n' + full[keep]!.slice(0, 20));
    const r = await run(['scan', win, '--os-root', win, '--group', 'Finance', '--out', out, '--workers', '0', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { files: number; alreadyRecorded: number };
    expect(s.alreadyRecorded).toBe(keep);
    expect(s.files).toBe(full.length - keep);
    const again = rawLines(out).map((l) => (JSON.parse(l) as InventoryEntry).path);
    expect(again.length).toBe(full.length);
    expect(new Set(again).size).toBe(again.length);
  });

  it('refuses to mix business groups in one inventory', async () => {
    const out = join(tmp, 'inv-c.jsonl');
    expect((await run(['scan', join(win, 'Windows'), '--group', 'Finance', '--out', out, '--workers', '0', '--json'])).code).toBe(0);
    expect((await run(['scan', join(win, 'Windows'), '--group', 'HR', '--out', out, '--workers', '0', '--json'])).code).toBe(1);
  });

  it('rules generate: inventory → policy XML that validates clean → the engine allows every scanned file', async () => {
    const inv = join(tmp, 'inv-a.jsonl');
    const xml = join(tmp, 'finance.xml');
    for (const optimize of [[], ['--optimize']]) {
      const r = await run(['rules', 'generate', '--from', inv, '--rule-type', 'Publisher,Hash', '--mode', 'Enabled', '--out', xml, ...optimize]);
      expect(r.code).toBe(0);
      const parsed = parsePolicy(readFileSync(xml), { file: xml });
      expect(parsed.ok).toBe(true);
      expect(parsed.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
      if (!parsed.ok) return;
      const trace = JSON.parse(readFileSync(`${xml}.trace.json`, 'utf8')) as { groups: string[]; rules: Record<string, string[]> };
      expect(trace.groups).toEqual(['Finance']);
      const everyone = principalOf(['S-1-1-0']);
      const compiled = compilePolicy(parsed.value.policy);
      const scanned = entries(inv).filter((e) => e.info);
      const traced = new Set(Object.values(trace.rules).flat());
      for (const e of scanned) {
        // An unsigned MSIX can get no rule at all (no hash rules for packaged apps, §F.3).
        if (e.collection === 'Appx' && !e.info!.publisher) continue;
        const d = evaluateReference(parsed.value.policy, e.info!, everyone);
        expect([e.path, d.verdict]).toEqual([e.path, 'Allowed']);
        // The fast engine agrees (it is what `lockstep test` uses).
        expect([e.path, decide(compiled, e.info!, everyone).verdict]).toEqual([e.path, 'Allowed']);
        expect(traced.has(e.path)).toBe(true);
      }
    }
  });

  it('into `lockstep test`: fileinfo --json of the scanned files is allowed by the generated policy (exit 0)', async () => {
    const inv = join(tmp, 'inv-a.jsonl');
    const xml = join(tmp, 'finance-test.xml');
    expect((await run(['rules', 'generate', '--from', inv, '--mode', 'Enabled', '--out', xml])).code).toBe(0);
    const files = entries(inv).filter((e) => e.info && !(e.collection === 'Appx' && !e.info.publisher)).map((e) => e.path);
    const fi = await run(['fileinfo', '--json', '--os-root', win, ...files]);
    expect(fi.code).toBe(0);
    const fiFile = join(tmp, 'fileinfo.json');
    writeFileSync(fiFile, fi.stdout);
    const t = await run(['test', '--policy', xml, '--file-info', fiFile, '--json']);
    expect(t.code).toBe(0);
    const decisions = JSON.parse(t.stdout) as Array<{ PolicyDecision: string }>;
    expect(decisions).toHaveLength(files.length);
    expect(new Set(decisions.map((d) => d.PolicyDecision))).toEqual(new Set(['Allowed']));
  });

  it('rules generate --json prints the trace; the XML is stable across runs', async () => {
    const inv = join(tmp, 'inv-a.jsonl');
    const a = JSON.parse((await run(['rules', 'generate', '--from', inv, '--json'])).stdout) as { policy: string; trace: Record<string, string[]> };
    const b = JSON.parse((await run(['rules', 'generate', '--from', inv, '--json'])).stdout) as { policy: string };
    expect(a.policy).toBe(b.policy);
    expect(Object.keys(a.trace).length).toBeGreaterThan(3);
    expect((await run(['rules', 'generate', '--from', inv, '--rule-type', 'Publisher,Bogus'])).code).toBe(1);
  });
});

describe.skipIf(!built)('lockstep scan (built CLI, worker threads)', () => {
  it('a killed scan re-run finishes without duplicates', async () => {
    // A bigger tree so the kill lands mid-scan.
    const big = join(tmp, 'big');
    for (let i = 0; i < 600; i++) {
      const p = join(big, `d${i % 20}`, `s${i}.ps1`);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, `# generated ${i}\r\n`.repeat(200));
    }
    const out = join(tmp, 'inv-kill.jsonl');
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'lockstep.js'), 'scan', big, '--group', 'Ops', '--out', out, '--workers', '1', '--json'], { stdio: 'ignore' });
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (existsSync(out) && statSync(out).size > 0) {
          clearInterval(t);
          child.kill('SIGKILL');
          resolve();
        }
      }, 2);
      child.on('exit', () => {
        clearInterval(t);
        resolve();
      });
    });
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
    const before = existsSync(out) ? rawLines(out).length : 0;
    const r = runCli(['scan', big, '--group', 'Ops', '--out', out, '--workers', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { files: number; alreadyRecorded: number; workers: number };
    expect(s.workers).toBeGreaterThanOrEqual(1);
    const paths = rawLines(out).map((l) => (JSON.parse(l) as InventoryEntry).path);
    expect(paths.length).toBe(600);
    expect(new Set(paths).size).toBe(600);
    expect(s.alreadyRecorded + s.files).toBe(600);
    expect(s.alreadyRecorded).toBeLessThanOrEqual(before);
  }, 60_000);

  it('fileinfo prints Get-AppLockerFileInformation fields with AppLocker path variables', () => {
    if (!hasCorpus) return;
    const r = runCli(['fileinfo', '--os-root', win, join(win, 'Program Files/App/wineyes.exe'), join(win, 'Users/bob/Downloads/setup.msi')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Path      : %PROGRAMFILES%\\APP\\WINEYES.EXE');
    expect(r.stdout).toContain('Path      : %OSDRIVE%\\USERS\\BOB\\DOWNLOADS\\SETUP.MSI');
    expect(r.stdout).toContain('Publisher : CN=JSIGN CODE SIGNING TEST CERTIFICATE\\MINIMAL MSI PACKAGE FOR JSIGN TESTS\\{24E06469-048F-47B0-ADDF-E6D930C6DDE2},1.0.0.0');
    expect(r.stdout).toMatch(/Hash {6}: SHA256 0x[0-9A-F]{64}/);
    const j = runCli(['fileinfo', '--json', join(win, 'nope.exe')]);
    expect(j.code).toBe(1);
    expect((JSON.parse(j.stdout) as Array<{ error: { reason: string } }>)[0]!.error.reason).toBe('ENOENT');
  });
});
