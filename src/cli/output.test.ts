/**
 * Issue 12: human output escapes terminal control sequences from file names and event fields; CSV cells
 * that a spreadsheet would run as formulas are neutralised. Inputs generated here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvCell, escapeControl } from './output.js';
import { runCliInProcess } from '../../test-support/cli.js';

describe('escapeControl', () => {
  it('shows ESC, BEL, a lone CR, C1 CSI and bidi overrides; keeps tabs, line feeds and CRLF line ends', () => {
    expect(escapeControl('a\x1b[2J\x07b')).toBe('a\\x1b[2J\\x07b');
    expect(escapeControl('x\ry')).toBe('x\\x0dy');
    expect(escapeControl('l1\r\nl2\tz')).toBe('l1\nl2\tz');
    expect(escapeControl('\u009b31m')).toBe('\\x9b31m');
    expect(escapeControl('evil\u202etxt.exe')).toBe('evil\\u202etxt.exe');
    expect(escapeControl('C:\\Program Files\\ä.exe')).toBe('C:\\Program Files\\ä.exe');
  });

  it('reaches the terminal escaped, and `test --csv` neutralises a formula-shaped path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-output-'));
    try {
      const policy = join(dir, 'p.xml');
      expect((await runCliInProcess(['policy', 'defaults', '--collection', 'Exe', '-o', policy])).code).toBe(0);
      const evil = 'C:\\Users\\x\\a\x1b]0;pwned\x07.exe';
      const human = await runCliInProcess(['test', '--policy', policy, '--path', evil]);
      expect(human.stdout).toContain('a\\x1b]0;pwned\\x07.exe');
      expect(human.stdout).not.toContain('\x1b');
      const formula = "=cmd|' /C calc'!A0";
      const csv = await runCliInProcess(['test', '--policy', policy, '--path', formula, '--csv']);
      expect(csv.stdout.split('\n')[1]).toMatch(/^'=cmd\|' \/C calc'!A0,/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('csvCell', () => {
  it('neutralises formula prefixes and quotes as RFC 4180 says', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('C:\\a,b.exe')).toBe('"C:\\a,b.exe"');
    expect(csvCell('Allowed')).toBe('Allowed');
  });
});
