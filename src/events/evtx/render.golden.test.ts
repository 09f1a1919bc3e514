/**
 * Golden files for the two renderings (formats.md §A.7 Windows XML, and the JSON form) of a synthetic log
 * that exercises templates, optional/normal substitutions, NULL suppression, arrays and escaping.
 * Regenerate with `UPDATE_GOLDEN=1 npx vitest run src/events/evtx/render.golden.test.ts` and review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEvtx, renderEventJson, renderEventXml } from './index.js';
import { buildChunk, buildEvtx, sampleRecords } from './synthetic.testkit.js';

const testdata = join(dirname(fileURLToPath(import.meta.url)), 'testdata');

function golden(name: string, actual: string): void {
  const path = join(testdata, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  expect(existsSync(path), `${name} missing: run with UPDATE_GOLDEN=1`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('golden renderings of the synthetic log', () => {
  const events = [...readEvtx(buildEvtx([buildChunk(sampleRecords(8))])).records()].flatMap((r) => (r.ok ? [r.event] : []));
  it('has 8 events', () => expect(events).toHaveLength(8));
  it('Windows XML', () => golden('synthetic.xml.golden', events.map((e) => renderEventXml(e)).join('\n') + '\n'));
  it('indented XML', () => golden('synthetic.indented.xml.golden', events.map((e) => renderEventXml(e, { indent: true })).join('\n') + '\n'));
  it('JSON', () => golden('synthetic.json.golden', JSON.stringify(events.map(renderEventJson), null, 2) + '\n'));
});
