/**
 * `lockstep events read|dump` end to end, in-process through main() (stdout/stderr captured), plus the human line format as a golden file: src/events/testdata/read-human.txt.golden. Regenerate
 * deliberately with `npx vitest run src/cli/commands/events.test.ts -- --update` (or UPDATE_GOLDEN=1).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusPath, corpusSkipReason, eventExports, hasCorpus, projectRoot } from '../../../test-support/corpus.js';
import { readEvents } from '../../events/index.js';
import { formatEventLine } from './events.js';
import { runCliInProcess } from '../../../test-support/cli.js';

const update = process.argv.includes('--update') || process.env.UPDATE_GOLDEN === '1';
const testdata = join(projectRoot, 'src', 'events', 'testdata');
const samples = ['applocker.nxlog.json', 'applocker.wazuh.json', 'applocker.columns.csv', 'applocker.xml-column.csv', 'applocker.wevtutil.xml'];
const tmp = mkdtempSync(join(tmpdir(), 'lockstep-events-cli-'));

const runCli = runCliInProcess;

describe('events read: human lines (golden)', () => {
  it('one line per AppLocker event of every sample', () => {
    const lines: string[] = [];
    for (const s of samples) {
      for (const r of readEvents({ name: s, bytes: readFileSync(join(testdata, s)) })) {
        if (r.kind === 'event' && r.applocker) lines.push(`${s}: ${formatEventLine(r.applocker)}`);
      }
    }
    const text = lines.join('\n') + '\n';
    const golden = join(testdata, 'read-human.txt.golden');
    if (update || !existsSync(golden)) writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });
});

describe('lockstep events read | dump', () => {
  it('read: AppLocker events only, summary on stderr, exit 0', async () => {
    const r = await runCli(['events', 'read', join(testdata, 'applocker.nxlog.json'), join(testdata, 'applocker.wazuh.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(4);
    expect(r.stdout).toContain('  8003  audited  Exe     S-1-5-21-1133191089-1850170202-1535859923-200319');
    expect(r.stderr).toContain('6 records read from 2 files: 4 AppLocker events, 2 skipped (not AppLocker), 0 errors');
  });

  it('read --json: NDJSON events on stdout, a JSON summary on stderr', async () => {
    const r = await runCli(['events', 'read', '--json', join(testdata, 'applocker.columns.csv')]);
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { eventId: number; outcome: string; packageName?: string });
    expect(events.map((e) => [e.eventId, e.outcome])).toEqual([[8003, 'audited'], [8023, 'allowed']]);
    const summary = JSON.parse(r.stderr.trim().split('\n').pop()!) as { summary: Record<string, number> };
    expect(summary.summary).toMatchObject({ files: 1, records: 3, applocker: 2, skipped: 1, errors: 0 });
  });

  it('read: a missing file or a non-export is exit 1; bad records inside a file are not', async () => {
    const junk = join(tmp, 'junk.txt');
    writeFileSync(junk, 'hello\n');
    const r = await runCli(['events', 'read', join(tmp, 'missing.json'), junk]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[events.io.unreadable]');
    expect(r.stderr).toContain('error[events.format.unknown]');
    const dirty = join(tmp, 'dirty.nxlog.json');
    writeFileSync(dirty, readFileSync(join(testdata, 'applocker.nxlog.json'), 'utf8') + '{"EventID": 1,\n');
    const d = await runCli(['events', 'read', dirty]);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stderr).toMatch(/dirty\.nxlog\.json:4:\d+: error\[events\.json\.syntax\]/);
  });

  it('dump → read round trip: the dumped XML reads back to the same AppLocker events', async () => {
    const src = join(testdata, 'applocker.wazuh.json');
    const dump = await runCli(['events', 'dump', src]);
    expect(dump.code, dump.stderr).toBe(0);
    expect(dump.stdout.trim().split('\n')).toHaveLength(3);
    const dumped = join(tmp, 'dumped.xml');
    writeFileSync(dumped, dump.stdout);
    const a = (await runCli(['events', 'read', '--json', src])).stdout.trim().split('\n').map((l) => ({ ...JSON.parse(l), source: undefined }));
    const b = (await runCli(['events', 'read', '--json', dumped])).stdout.trim().split('\n').map((l) => ({ ...JSON.parse(l), source: undefined }));
    expect(b).toEqual(a);
    const json = await runCli(['events', 'dump', '--format', 'json', src]);
    expect((JSON.parse(json.stdout.split('\n')[0]!) as { Event: { System: { EventID: string } } }).Event.System.EventID).toBe('8023');
  });

  it.skipIf(!hasCorpus)(`dump of an .evtx prints every record as Windows renders it${hasCorpus ? '' : ` (${corpusSkipReason})`}`, async () => {
    const r = await runCli(['events', 'dump', corpusPath(eventExports.helloForBusinessEvtx)]);
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout.trim().split('\n');
    expect(events.length).toBeGreaterThanOrEqual(5);
    expect(events.find((e) => e.includes('<EventID>8025</EventID>'))).toContain("<Provider Name='Microsoft-Windows-HelloForBusiness'");
    // the worker-pool path (in-thread here: tests run from sources) gives the same records in the same order
    const pooled = await runCli(['events', 'dump', '--workers', '1', corpusPath(eventExports.helloForBusinessEvtx)]);
    expect(pooled.stdout).toBe(r.stdout);
    const readPooled = await runCli(['events', 'read', '--json', '--workers', '1', corpusPath(eventExports.clearedLogEvtx)]);
    expect(readPooled.stderr).toContain('"records":91,"applocker":0,"skipped":91');
    const legacy = await runCli(['events', 'dump', corpusPath(eventExports.legacyEvt)]);
    expect(legacy.code).toBe(1);
    expect(legacy.stderr).toContain('events.format.evt-legacy');
  });
});

describe.skipIf(!hasCorpus)('events dump: records recovered from chunk slack', () => {
  const file = corpusPath('williballenthin__python-evtx/tests/data/issue_38.evtx');
  it('says how many records were recovered, and --no-recover leaves them out', async () => {
    const all = await runCli(['events', 'dump', '--format', 'json', file]);
    expect(all.code).toBe(0);
    expect(all.stderr).toContain('31 of 32 records were recovered from chunk slack');
    const chain = await runCli(['events', 'dump', '--format', 'json', '--no-recover', file]);
    expect(chain.code).toBe(0);
    expect(chain.stdout.trim().split('\n')).toHaveLength(1);
    expect(chain.stderr).not.toContain('recovered from chunk slack');
  });
});
