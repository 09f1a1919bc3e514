/**
 * Installed packaged apps (issue 16 item 2): a package installed under `C:\Program Files\WindowsApps\<full
 * name>\` is no longer a ZIP — its AppxManifest.xml, AppxBlockMap.xml and AppxSignature.p7x sit beside the
 * payload. AppLocker's Appx rules match the package identity (Publisher, Name, Version from the manifest;
 * applocker.md §2.1, §5.1), trusted because the package signature verified at install.
 * What can be checked offline, and is: the manifest identity; the PKCX signature's own signature over its
 * signed attributes and their messageDigest (fileinfo/authenticode `readSignedData`); that the signed package
 * digest's AXBM component (formats.md §F.1) is the hash of the AppxBlockMap.xml on disk; that the block map's
 * hashes of AppxManifest.xml (64 KiB blocks, SHA-256, §F.1 block map) match the manifest on disk; and that the
 * signer subject is the manifest Publisher (§F.2). The ZIP-level components (AXPC, AXCD, AXCT) no longer
 * exist on disk and are not checked — stated in the reasons when relevant. Pure.
 */
import { createHash } from 'node:crypto';
import { decodeUtf8 } from '../../bytes/index.js';
import { fail, ok, type Diagnostic, type Result } from '../../diag/index.js';
import type { FileInformation, PublisherInfo } from '../../policy/file-information.js';
import { readSignedData } from '../authenticode/index.js';
import type { FileIdentity } from '../identify.js';
import { parseManifestIdentity } from './index.js';

export interface InstalledPackageInput {
  /** Host path of the AppxManifest.xml (for diagnostics). */
  readonly file: string;
  readonly manifest: Uint8Array;
  readonly blockMap?: Uint8Array;
  readonly signature?: Uint8Array;
  /** The package folder as Windows sees it (`C:\Program Files\WindowsApps\…`), when known. */
  readonly windowsPath?: string;
}

const BLOCK = 64 * 1024;
/** A block map larger than this is not one (a big game's map is a few MB). */
const MAX_BLOCKMAP_CHARS = 64 * 1024 * 1024;

/** The `<Block Hash>` values of one file in AppxBlockMap.xml (base64 SHA-256 of each 64 KiB block). */
function blockHashes(blockMapXml: string, name: string): string[] | undefined {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`<File\\b[^>]*\\bName="${esc}"[^>]*>([\\s\\S]*?)</File>`, 'i').exec(blockMapXml);
  if (!m) return undefined;
  return [...m[1]!.matchAll(/<Block\b[^>]*\bHash="([A-Za-z0-9+/=]+)"/g)].map((x) => x[1]!);
}

/** The hash after `tag` in the signed APPX digest blob (`APPX` + {4-byte tag, hash}…). */
function component(blob: Buffer, tag: string, size: number): Buffer | undefined {
  if (blob.subarray(0, 4).toString('latin1') !== 'APPX') return undefined;
  for (let i = 4; i + 4 + size <= blob.length; i += 4 + size) {
    if (blob.subarray(i, i + 4).toString('latin1') === tag) return blob.subarray(i + 4, i + 4 + size);
  }
  return undefined;
}

/**
 * Facts of one installed package, as a FileIdentity (kind Appx) so scan inventories and rule generation take it.
 * @example await identifyInstalledPackage({ file: '/mnt/win/Program Files/WindowsApps/Foo_1.0.0.0_x64__abc/AppxManifest.xml', manifest, blockMap, signature })
 */
export async function identifyInstalledPackage(input: InstalledPackageInput): Promise<Result<FileIdentity>> {
  const id = parseManifestIdentity(decodeUtf8(input.manifest), { file: input.file });
  if (!id.ok) return fail(id.diagnostics);
  const identity = id.value;
  const diagnostics: Diagnostic[] = [];
  const reasons: string[] = [];
  let signed = false;
  const p7x = input.signature;
  if (!p7x) reasons.push('the package has no AppxSignature.p7x');
  else if (!(p7x[0] === 0x50 && p7x[1] === 0x4b && p7x[2] === 0x43 && p7x[3] === 0x58)) reasons.push('AppxSignature.p7x does not start with `PKCX`');
  else {
    signed = true;
    const sigDiags: Diagnostic[] = [];
    // The full package digest needs the ZIP; only its signed value is read here, its parts checked below.
    const sig = (await readSignedData(p7x.subarray(4), { expectedDigest: () => undefined, file: input.file }, sigDiags))[0];
    if (!sig?.signer) reasons.push('AppxSignature.p7x is not a readable Authenticode signature');
    else {
      if (!sig.signatureVerified || !sig.messageDigestMatches) reasons.push('the package signature does not verify');
      if (sig.codeSigningEku === false) reasons.push('the signer certificate is not for code signing');
      if (sig.signer.subject !== identity.publisher) reasons.push(`the signer \`${sig.signer.subject}\` is not the manifest publisher \`${identity.publisher}\``);
      const alg = sig.digestAlgorithm === 'sha384' ? 'sha384' : sig.digestAlgorithm === 'sha512' ? 'sha512' : 'sha256';
      const size = alg === 'sha256' ? 32 : alg === 'sha384' ? 48 : 64;
      const axbm = component(Buffer.from(sig.signedDigest ?? '', 'hex'), 'AXBM', size);
      if (!input.blockMap) reasons.push('the package has no AppxBlockMap.xml');
      else if (!axbm) reasons.push('the signed package digest has no block map hash (AXBM)');
      else if (!createHash(alg).update(input.blockMap).digest().equals(axbm)) reasons.push('AppxBlockMap.xml is not the one the package signature covers');
      else {
        const map = input.blockMap.length <= MAX_BLOCKMAP_CHARS ? decodeUtf8(input.blockMap) : '';
        const want = blockHashes(map, 'AppxManifest.xml');
        const got: string[] = [];
        for (let i = 0; i < input.manifest.length || (i === 0 && input.manifest.length === 0); i += BLOCK) {
          got.push(createHash('sha256').update(input.manifest.subarray(i, i + BLOCK)).digest('base64'));
          if (input.manifest.length === 0) break;
        }
        if (!want) reasons.push('AppxBlockMap.xml does not list AppxManifest.xml');
        else if (want.join() !== got.join()) reasons.push('AppxManifest.xml was changed after signing (its block map hashes differ)');
      }
    }
  }
  const valid = signed && reasons.length === 0;
  const publisher: PublisherInfo | undefined = valid
    ? { publisherName: identity.publisher, productName: identity.name, binaryName: 'APPX', binaryVersion: identity.version }
    : undefined;
  const folder = input.windowsPath ?? input.file.replace(/[\\/]AppxManifest\.xml$/i, '');
  const info: FileInformation = { path: folder, hashes: {}, collection: 'Appx', isPackagedApp: true, ...(publisher ? { publisher } : {}) };
  return ok({
    info, kind: 'Appx', collection: 'Appx',
    signature: valid ? 'Valid' : signed ? 'Invalid' : 'NotSigned',
    reasons: signed || !valid ? reasons : [],
    displayPath: identity.name,
    displayPublisher: publisher ? `${publisher.publisherName}\\${publisher.productName}\\APPX,${identity.version}` : '',
    displayHash: '',
    size: input.manifest.length,
  }, diagnostics);
}
