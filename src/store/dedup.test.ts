/**
 * The dedup key (dedup.ts): which fields make an event "the same", and a pinned stored form (changing
 * it would make every existing store re-admit old events as new).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AppLockerEvent } from '../events/applocker-event.js';
import { dedupKey, naturalKey } from './dedup.js';

const e: AppLockerEvent = {
  eventId: 8003, outcome: 'audited', collection: 'Exe', channel: 'Microsoft-Windows-AppLocker/EXE and DLL', computer: 'TOPSYLL.local',
  timeCreated: '2023-07-18T14:07:07.6373880Z', recordId: 149861, provider: 'Microsoft-Windows-AppLocker', source: 'a.json:1',
};
const T = '2023-07-18T14:07:07.6373880Z';

describe('dedup key', () => {
  it('with a record id: computer (lower-case) + channel + record id, nothing else', () => {
    expect(naturalKey(e, T)).toBe('r\u001ftopsyll.local\u001fmicrosoft-windows-applocker/exe and dll\u001f149861');
    expect(dedupKey({ ...e, computer: 'topsyll.LOCAL', filePath: 'X', source: 'b.xml:9' }, '2000-01-01T00:00:00.0000000Z')).toBe(dedupKey(e, T));
  });

  it('without a record id: content including time, excluding source', () => {
    const { recordId: _r, ...noId } = e;
    expect(dedupKey({ ...noId, source: 'x' }, T)).toBe(dedupKey(noId, T));
    expect(dedupKey(noId, T)).not.toBe(dedupKey(noId, '2023-07-18T14:07:07.6373881Z'));
    expect(dedupKey({ ...noId, userSid: 'S-1-5-18' }, T)).not.toBe(dedupKey(noId, T));
  });

  it('stored form is base64url of the first 128 bits of SHA-256 of the natural key (pinned)', () => {
    const want = createHash('sha256').update(naturalKey(e, T)).digest().subarray(0, 16).toString('base64url');
    expect(dedupKey(e, T)).toBe(want);
    expect(want).toHaveLength(22);
  });
});
