/**
 * The write options that reproduce a parsed file's outward form (root kind, encoding, BOM, newline, XML
 * declaration), so `lockstep policy fmt` rewrites a file in the canonical layout without changing how it
 * is stored. With these, encodePolicy(parsed.policy, formatOptionsOf(parsed)) is a fixed point (tested on
 * the corpus and on random policies).
 */
import type { ParsedPolicy } from './parse.js';
import type { EncodeOptions } from './serialize.js';

/**
 * @example writeFileSync(file, encodePolicy(p.policy, formatOptionsOf(p)))
 * UTF-16BE input is written back as UTF-16LE (the form Windows tools write).
 */
export function formatOptionsOf(parsed: ParsedPolicy, overrides: EncodeOptions = {}): EncodeOptions {
  return {
    style: 'pretty',
    root: parsed.root,
    newline: parsed.newline,
    encoding: parsed.encoding === 'utf-8' ? 'utf-8' : 'utf-16le',
    bom: parsed.bom,
    xmlDeclaration: parsed.xmlDeclaration,
    ...overrides,
  };
}
