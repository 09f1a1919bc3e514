import { describe, expect, it } from 'vitest';
import { confineWorkspacePath } from './confine.js';

describe('confineWorkspacePath', () => {
  it('keeps relative paths inside the workspace, in POSIX and Windows forms', () => {
    expect(confineWorkspacePath('policies/finance.xml')).toEqual({ ok: true, path: 'policies/finance.xml' });
    expect(confineWorkspacePath('.\\policies\\.\\eng.xml')).toEqual({ ok: true, path: 'policies/eng.xml' });
    expect(confineWorkspacePath('.lockstep/evidence.db')).toEqual({ ok: true, path: '.lockstep/evidence.db' });
    expect(confineWorkspacePath('a..b/c..xml')).toEqual({ ok: true, path: 'a..b/c..xml' });
  });

  it.each([
    ['../../etc/passwd', 'climbs'],
    ['policies/../../x.xml', 'climbs'],
    ['..\\..\\Windows\\win.ini', 'climbs'],
    ['policies\\.. \\x', 'climbs'],
    ['/etc/passwd', 'absolute'],
    ['\\\\server\\share\\p.xml', 'absolute'],
    ['\\Windows\\p.xml', 'absolute'],
    ['C:\\Windows\\p.xml', 'drive'],
    ['c:p.xml', 'drive'],
    ['~/p.xml', 'home'],
    ['', 'empty'],
    ['./', 'itself'],
    ['p\0.xml', 'NUL'],
  ])('refuses %j (%s)', (path, why) => {
    const r = confineWorkspacePath(path);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(why);
  });
});
