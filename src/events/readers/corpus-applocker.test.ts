/**
 * Every AppLocker event in ../shared/corpus through every reader (issue 10 item 7): each file is read with each
 * format forced, and exactly the reader made for it accepts it, with the exact AppLocker events expected (count
 * and event ids, counted by hand from the files); every other reader refuses it with an error and invents no
 * event. Then each corpus event goes through every writer and back through that format's reader unchanged in
 * what readiness uses (id, collection, path, hash, FQBN, user, record id).
 */
import { describe, expect, it } from 'vitest';
import { corpusSkipReason, hasCorpus, readCorpus } from '../../../test-support/corpus.js';
import type { AppLockerEvent } from '../applocker-event.js';
import { formatEvents, readEvents, type EventFormat, type TextEventFormat } from './index.js';

const EZ = 'EricZimmerman__evtx/_derived_examples/';
const EL = 'elastic__integrations/packages/windows/data_stream/';
/** file → the reader that accepts it and the AppLocker event ids it holds, in order. */
const FILES: ReadonlyArray<[string, EventFormat, number[]]> = [
  [`${EZ}Microsoft-Windows-AppLocker-EXE-and-DLL_Microsoft-Windows-AppLocker_8002.example-event.xml`, 'event-xml', [8002]],
  [`${EZ}Microsoft-Windows-AppLocker-MSI-and-Script_Microsoft-Windows-AppLocker_8005.example-event.xml`, 'event-xml', [8005]],
  [`${EZ}Microsoft-Windows-AppLocker-PackagedApp-Execution_Microsoft-Windows-AppLocker_8020.example-event.xml`, 'event-xml', [8020]],
  [`${EL}applocker_exe_and_dll/_dev/test/pipeline/test-events-applocker-exe-8003.json`, 'ecs-json', [8003]],
  [`${EL}applocker_msi_and_script/_dev/test/pipeline/test-events-applocker-msi-and-script-8006.json`, 'ecs-json', [8006]],
  [`${EL}applocker_packaged_app_execution/_dev/test/pipeline/test-events-microsoft-windows-applocker-packaged-app-execution.json`, 'ecs-json', [8020]],
  [`${EL}applocker_packaged_app_deployment/_dev/test/pipeline/test-events-microsoft-windows-applocker-packaged-app-deployment.json`, 'ecs-json', [8023]],
];
const READERS: EventFormat[] = ['event-xml', 'ecs-json', 'nxlog-json', 'wazuh-json', 'csv'];
const WRITERS: TextEventFormat[] = ['event-xml', 'ecs-json', 'nxlog-json', 'wazuh-json', 'csv'];

function read(name: string, bytes: Uint8Array, format?: EventFormat) {
  const items = [...readEvents({ name, bytes }, format ? { format } : {})];
  return { applocker: items.flatMap((i) => (i.kind === 'event' && i.applocker ? [i.applocker] : [])), errors: items.filter((i) => i.kind === 'error').length };
}

const essentials = (e: AppLockerEvent) => ({
  eventId: e.eventId, outcome: e.outcome, collection: e.collection, filePath: e.filePath, packageName: e.packageName, fileHash: e.fileHash,
  fqbnText: e.fqbnText, userSid: e.userSid, recordId: e.recordId, computer: e.computer, channel: e.channel,
});

describe.skipIf(!hasCorpus)('every AppLocker event of the shared corpus through every reader', () => {
  for (const [file, accepting, ids] of FILES) {
    it(file.split('/').pop()!, () => {
      const bytes = readCorpus(file);
      const auto = read(file, bytes);
      expect(auto.applocker.map((e) => e.eventId)).toEqual(ids);
      expect(auto.errors).toBe(0);
      for (const f of READERS) {
        const r = read(file, bytes, f);
        if (f === accepting) expect({ ids: r.applocker.map((e) => e.eventId), errors: r.errors }).toEqual({ ids, errors: 0 });
        else expect({ f, ids: r.applocker.length, refused: r.errors > 0 }).toEqual({ f, ids: 0, refused: true });
      }
      for (const w of WRITERS) {
        const back = read(`corpus.${w}`, new TextEncoder().encode(formatEvents(auto.applocker, w)), w);
        expect({ w, events: back.applocker.map(essentials) }).toEqual({ w, events: auto.applocker.map(essentials) });
      }
    });
  }
});
describe.skipIf(hasCorpus)('corpus AppLocker events (skipped)', () => {
  it.skip(corpusSkipReason, () => undefined);
});
