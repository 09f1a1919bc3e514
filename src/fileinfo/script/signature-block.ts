/**
 * Embedded signature blocks of signed scripts: which comment lines wrap the base64 PKCS#7 for each script
 * kind, how the text is decoded (BOM, else UTF-8 for PowerShell/WSF and Windows-1252 for .vbs/.js), how the
 * block is found and decoded, and the text that the signature's content digest covers. Used by
 * script/index.ts. Spec: formats.md §E.1 (layout), §E.2 (what is hashed; JSIGN SignableScript/WSHScript,
 * OSSLSIGNCODE script.c).
 */

export type ScriptKind = 'powershell' | 'powershell-xml' | 'vbscript' | 'jscript' | 'wsf' | 'batch' | 'other';

export interface BlockSyntax {
  readonly start: string;
  readonly end: string;
  readonly linePrefix: string;
  readonly lineSuffix: string;
  /** PowerShell hashes the BOM (as U+FEFF); WSH does not and appends the content length (§E.2 step 3). */
  readonly bomSigned: boolean;
  /** Encoding of BOM-less files. */
  readonly defaultEncoding: 'utf-8' | 'windows-1252';
}

const SYNTAX: Readonly<Partial<Record<ScriptKind, BlockSyntax>>> = {
  powershell: { start: '# SIG # Begin signature block', end: '# SIG # End signature block', linePrefix: '# ', lineSuffix: '', bomSigned: true, defaultEncoding: 'utf-8' },
  'powershell-xml': { start: '<!-- SIG # Begin signature block -->', end: '<!-- SIG # End signature block -->', linePrefix: '<!-- ', lineSuffix: ' -->', bomSigned: true, defaultEncoding: 'windows-1252' },
  vbscript: { start: "'' SIG '' Begin signature block", end: "'' SIG '' End signature block", linePrefix: "'' SIG '' ", lineSuffix: '', bomSigned: false, defaultEncoding: 'windows-1252' },
  jscript: { start: '// SIG // Begin signature block', end: '// SIG // End signature block', linePrefix: '// SIG // ', lineSuffix: '', bomSigned: false, defaultEncoding: 'windows-1252' },
  wsf: { start: '<signature>', end: '</signature>', linePrefix: '** SIG ** ', lineSuffix: '', bomSigned: false, defaultEncoding: 'utf-8' },
};

const KIND_BY_EXT: Readonly<Record<string, ScriptKind>> = {
  '.ps1': 'powershell', '.psm1': 'powershell', '.psd1': 'powershell',
  '.ps1xml': 'powershell-xml', '.psc1': 'powershell-xml', '.cdxml': 'powershell-xml',
  '.vbs': 'vbscript', '.js': 'jscript', '.wsf': 'wsf',
  '.bat': 'batch', '.cmd': 'batch',
};

/** The script kind for an extension (with or without the dot, any case). */
export function scriptKind(ext: string): ScriptKind {
  const e = (ext.startsWith('.') ? ext : `.${ext}`).toLowerCase();
  return KIND_BY_EXT[e] ?? 'other';
}

export function blockSyntax(kind: ScriptKind): BlockSyntax | undefined {
  return SYNTAX[kind];
}

export interface DecodedScript {
  /** The text, starting with U+FEFF when the file had a BOM. */
  readonly text: string;
  readonly encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
  readonly hasBom: boolean;
}

/** Decodes the script bytes by BOM, else by the kind's default (§E.2 step 1). The BOM is kept as U+FEFF. */
export function decodeScript(bytes: Uint8Array, syntax: BlockSyntax): DecodedScript {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), encoding: 'utf-8', hasBom: true };
  if (b0 === 0xff && b1 === 0xfe) return { text: new TextDecoder('utf-16le', { ignoreBOM: true }).decode(bytes), encoding: 'utf-16le', hasBom: true };
  if (b0 === 0xfe && b1 === 0xff) return { text: new TextDecoder('utf-16be', { ignoreBOM: true }).decode(bytes), encoding: 'utf-16be', hasBom: true };
  const enc = syntax.defaultEncoding;
  return { text: new TextDecoder(enc).decode(bytes), encoding: enc, hasBom: false };
}

export interface SignatureBlock {
  /** Code-unit offsets in the decoded text of the block, from the line break before its start line to after its end line. */
  readonly from: number;
  readonly to: number;
  /** The decoded PKCS#7 DER. */
  readonly der: Uint8Array;
  /** True when every line break of the block is CRLF (Windows verification needs it; §E.1). */
  readonly crlf: boolean;
}

export type BlockOutcome = { readonly block: SignatureBlock } | { readonly none: true } | { readonly error: string; readonly at: number };

/** Bounds how much base64 a block may hold before it is decoded (a signature is a few KiB). */
export const MAX_SIGNATURE_BLOCK_CHARS = 4 * 1024 * 1024;

/**
 * Finds the LAST signature block (JSIGN's removal pattern `\r?\n START \r?\n .* END \r?\n` is greedy, so it
 * spans from the first start line to the last end line) and decodes its base64.
 */
export function findSignatureBlock(text: string, syntax: BlockSyntax): BlockOutcome {
  const startAt = findLine(text, syntax.start, 0);
  if (startAt < 0) return { none: true };
  const endAt = text.lastIndexOf(syntax.end);
  if (endAt < startAt) return { error: `signature block starts with \`${syntax.start}\` but has no \`${syntax.end}\` line`, at: startAt };
  let from = startAt;
  let crlf = true;
  if (text[from - 1] === '\n') {
    from--;
    if (text[from - 1] === '\r') from--;
    else crlf = false;
  }
  let to = endAt + syntax.end.length;
  if (text[to] === '\r' && text[to + 1] === '\n') to += 2;
  else if (text[to] === '\n') {
    to += 1;
    crlf = false;
  }
  const inner = text.slice(startAt + syntax.start.length, endAt);
  if (inner.length > MAX_SIGNATURE_BLOCK_CHARS) return { error: `signature block of ${inner.length} characters is over the ${MAX_SIGNATURE_BLOCK_CHARS} cap`, at: startAt };
  if (/(^|[^\r])\n/.test(inner)) crlf = false;
  let b64 = '';
  for (const raw of inner.split('\n')) {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') continue;
    if (line.startsWith(syntax.linePrefix)) line = line.slice(syntax.linePrefix.length);
    if (syntax.lineSuffix && line.endsWith(syntax.lineSuffix)) line = line.slice(0, -syntax.lineSuffix.length);
    b64 += line.trim();
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length === 0) return { error: 'signature block is not base64', at: startAt };
  return { block: { from, to, der: new Uint8Array(Buffer.from(b64, 'base64')), crlf } };
}

/** Index of `line` where it starts a line (at 0 or after `\n`). */
function findLine(text: string, line: string, from: number): number {
  let i = text.indexOf(line, from);
  while (i > 0 && text[i - 1] !== '\n') i = text.indexOf(line, i + 1);
  return i;
}

/**
 * The bytes the signature's content digest covers (§E.2 steps 2–3): the text without the block, UTF-16LE;
 * for WSH kinds without the BOM, followed by the content length in code units as u32 LE.
 */
export function signedContent(decoded: DecodedScript, block: SignatureBlock, syntax: BlockSyntax): Uint8Array {
  let content = decoded.text.slice(0, block.from) + decoded.text.slice(block.to);
  if (!syntax.bomSigned && decoded.hasBom) content = content.slice(1);
  const utf16 = Buffer.from(content, 'utf16le');
  if (syntax.bomSigned) return new Uint8Array(utf16.buffer, utf16.byteOffset, utf16.byteLength);
  const out = new Uint8Array(utf16.byteLength + 4);
  out.set(utf16, 0);
  new DataView(out.buffer).setUint32(utf16.byteLength, content.length, true);
  return out;
}
