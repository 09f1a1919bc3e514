/**
 * A plain JSON form of an EventElement (issue 5 item 1, "rendered … to JSON"), close to what RUST-EVTX's
 * JSON output looks like: each element becomes a property named after it; attributes go under
 * `#attributes`, character data under `#text` (or the bare string when an element has nothing else),
 * repeated child names become arrays, an empty element is `null`. Lossless except for the relative order of
 * differently named siblings. Used by `lockstep events dump --format json`.
 */
import type { EventElement } from '../raw-event.js';

export type JsonValue = string | null | JsonValue[] | { [k: string]: JsonValue };

function body(e: EventElement): JsonValue {
  if (e.attributes.length === 0 && e.children.length === 0) return e.text === '' ? null : e.text;
  const o: { [k: string]: JsonValue } = {};
  if (e.attributes.length > 0) {
    const a: { [k: string]: JsonValue } = {};
    for (const [k, v] of e.attributes) a[k] = v;
    o['#attributes'] = a;
  }
  const arrays = new Set<string>();
  for (const c of e.children) {
    const v = body(c);
    const prev = o[c.name];
    if (prev === undefined) o[c.name] = v;
    else if (arrays.has(c.name)) (prev as JsonValue[]).push(v);
    else {
      o[c.name] = [prev, v];
      arrays.add(c.name);
    }
  }
  if (e.text !== '') o['#text'] = e.text;
  return o;
}

/** `{ "Event": { "#attributes": {...}, "System": {...}, "EventData": {...} } }` */
export function renderEventJson(event: EventElement): { [k: string]: JsonValue } {
  return { [event.name]: body(event) };
}
