import { describe, expect, it } from 'vitest';
import { administrator, allowAppliesTo, denyAppliesTo, everyone, principalOf, standardUser, WELL_KNOWN_SIDS } from './principal.js';

describe('principals', () => {
  it('compare SIDs case-insensitively', () => {
    const p = principalOf(['s-1-5-21-1-2-3-1001']);
    expect(allowAppliesTo(p, 'Exe', 'S-1-5-21-1-2-3-1001')).toBe(true);
    expect(allowAppliesTo(standardUser(), 'Dll', ' s-1-1-0 ')).toBe(true);
  });
  it('build the standard user, administrator and Everyone tokens', () => {
    expect([...everyone().sids]).toEqual([WELL_KNOWN_SIDS.Everyone]);
    expect(standardUser().sids.has(WELL_KNOWN_SIDS.AuthenticatedUsers)).toBe(true);
    expect(standardUser().sids.has(WELL_KNOWN_SIDS.Administrators)).toBe(false);
    expect(administrator().sids.has(WELL_KNOWN_SIDS.Administrators)).toBe(true);
  });
  it('model a UAC-filtered admin: deny-only Administrators, elevated token for Exe only', () => {
    const p = administrator(undefined, [], { elevated: false });
    expect(allowAppliesTo(p, 'Dll', WELL_KNOWN_SIDS.Administrators)).toBe(false);
    expect(denyAppliesTo(p, 'Dll', WELL_KNOWN_SIDS.Administrators)).toBe(true);
    expect(allowAppliesTo(p, 'Exe', WELL_KNOWN_SIDS.Administrators)).toBe(true);
  });
});
