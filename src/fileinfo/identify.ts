/**
 * identifyFile: bytes → what `Get-AppLockerFileInformation` reports (Path, Publisher, Hash, AppX) plus the
 * file type, collection and signature status, for every file kind AppLocker governs: PE (Exe/Dll), MSI,
 * AppX/MSIX, scripts. Used by `lockstep fileinfo`, the scan worker and the inventory.
 * Spec: applocker.md §2.3 (collection by extension), §4.3 (displayed path form), §5.1 (fields), §8.2 (output);
 * formats.md §C (which hash per type), §B, §D, §E, §F.
 */
import { createHash } from 'node:crypto';
import { toHex } from '../bytes/index.js';
import { fail, ok, type Diagnostic, type Result } from '../diag/index.js';
import type { FileInformation, PublisherInfo } from '../policy/file-information.js';
import { collectionForPath, extensionOf } from '../policy/file-types.js';
import type { FileHashType, RuleCollectionType } from '../policy/model.js';
import { readAppx } from './appx/index.js';
import { authenticodeDigest, readAuthenticode, upperCaseLikeWindows } from './authenticode/index.js';
import { isCompoundFile, readMsi } from './msi/index.js';
import { parsePe } from './pe/index.js';
import { readScriptSignature } from './script/index.js';
import { lookupCatalog, type CatalogHit, type CatalogIndex } from './catalog/index.js';

/** Certificate-table damage that leaves the signature verifying: stuffing (MS13-098), duplicated or malformed entries. */
const TABLE_DAMAGE_CODES: ReadonlySet<string> = new Set([
  'fileinfo.authenticode.signature-stuffing', 'fileinfo.authenticode.duplicate-entry', 'fileinfo.authenticode.table-outside-file',
  'fileinfo.authenticode.entry-malformed', 'fileinfo.authenticode.entry-revision', 'fileinfo.authenticode.entry-type',
]);

export type FileKind = 'PE' | 'MSI' | 'Appx' | 'Script' | 'Other';
export type SignatureStatus = 'Valid' | 'Invalid' | 'NotSigned';

/** One file's facts and their Get-AppLockerFileInformation display form. */
export interface FileIdentity {
  /** What conditions match against (policy/file-information.ts). */
  readonly info: FileInformation;
  readonly kind: FileKind;
  readonly collection?: RuleCollectionType;
  readonly signature: SignatureStatus;
  /** Why there is no publisher although the file carries a signature (empty otherwise). */
  readonly reasons: readonly string[];
  /**
   * A valid signature in a damaged certificate table: the codes (`fileinfo.authenticode.signature-stuffing`,
   * `…duplicate-entry`, …) and messages. Rule generation refuses such files (issue 16 item 4). Absent when clean.
   */
  readonly signatureAnomalies?: readonly { readonly code: string; readonly message: string }[];
  /** The security catalog that lists this file (no embedded signature; `--catroot`), issue 16 item 1. */
  readonly catalog?: CatalogHit;
  /** `Path` as the cmdlet prints it: upper-case, AppLocker variables when the Windows path is known (§4.3). */
  readonly displayPath: string;
  /** `Publisher` as the cmdlet prints it: `PUB\PROD\BIN,VERSION`, '' when unsigned (§5.4, §8.2). */
  readonly displayPublisher: string;
  /** `Hash` as the cmdlet prints it: `SHA256 0x…`, '' when there is none (zero-length file, Appx). */
  readonly displayHash: string;
  /** Size in bytes. */
  readonly size: number;
}

export interface IdentifyInput {
  /** Where the bytes came from (host path); used for the extension when no Windows path is given. */
  readonly path: string;
  readonly bytes: Uint8Array;
  /** The path as Windows would see it (`C:\Program Files\App\a.exe`), when known. */
  readonly windowsPath?: string;
  /** Catalogs of a copied CatRoot (catalog/index.ts): a PE without an embedded signature listed in a verified one gets its signer. */
  readonly catalogs?: CatalogIndex;
}

/** The AppLocker path variables in the precedence §4.3 observes: most specific first. */
const DISPLAY_ROOTS: ReadonlyArray<readonly [string, string]> = [
  ['\\WINDOWS\\SYSTEM32', '%SYSTEM32%'],
  ['\\WINDOWS\\SYSWOW64', '%SYSTEM32%'],
  ['\\WINDOWS', '%WINDIR%'],
  ['\\PROGRAM FILES (X86)', '%PROGRAMFILES%'],
  ['\\PROGRAM FILES', '%PROGRAMFILES%'],
  ['', '%OSDRIVE%'],
];

/**
 * The displayed path form (§4.3): upper-case, the most specific AppLocker variable replacing its root.
 * `osDrive` is the Windows installation drive (default `C:`); paths on other drives stay literal.
 * @example appLockerDisplayPath('C:\\Program Files (x86)\\App\\a.exe') // '%PROGRAMFILES%\\APP\\A.EXE'
 */
export function appLockerDisplayPath(windowsPath: string, osDrive = 'C:'): string {
  const up = upperCaseLikeWindows(windowsPath.replace(/\//g, '\\'));
  const drive = osDrive.toUpperCase();
  if (!up.startsWith(drive)) return up;
  const rest = up.slice(drive.length);
  for (const [root, variable] of DISPLAY_ROOTS) {
    if (rest === root || rest.startsWith(root + '\\')) return variable + rest.slice(root.length);
  }
  return up;
}

/**
 * Maps a host path under a mounted Windows root (`--os-root`) to the Windows path (`C:\…`); undefined
 * when the file is not under the root. Pure string work on `/`-separated paths.
 * @example windowsPathUnder('/mnt/win/Windows/notepad.exe', '/mnt/win') // 'C:\\Windows\\notepad.exe'
 */
export function windowsPathUnder(hostPath: string, osRoot: string, osDrive = 'C:'): string | undefined {
  const root = osRoot.replace(/\/+$/, '');
  if (hostPath !== root && !hostPath.startsWith(root + '/')) return undefined;
  return osDrive + '\\' + hostPath.slice(root.length + 1).split('/').filter(Boolean).join('\\');
}

/** `PUB\PROD\BIN,VERSION` as the cmdlet's FilePublisher.ToString() prints it (§5.4). */
export function displayPublisherOf(p: PublisherInfo | undefined): string {
  if (!p) return '';
  return `${p.publisherName}\\${p.productName}\\${p.binaryName},${p.binaryVersion ?? '0.0.0.0'}`;
}

const flat = (b: Uint8Array): string => toHex(createHash('sha256').update(b).digest());

function isZip(b: Uint8Array): boolean {
  return b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

/**
 * Identifies one file from its bytes.
 * @example
 * const r = await identifyFile({ path: '/mnt/win/Program Files/7-Zip/7z.exe', bytes, windowsPath: 'C:\\Program Files\\7-Zip\\7z.exe' });
 * if (r.ok) console.log(r.value.displayPath, r.value.displayHash); // %PROGRAMFILES%\7-ZIP\7Z.EXE SHA256 0x…
 */
export async function identifyFile(input: IdentifyInput): Promise<Result<FileIdentity>> {
  try {
    return await identify(input);
  } catch (e) {
    // A parser that throws on hostile bytes is a bug to fix (the fuzz harness hunts them), but it must never
    // end a batch: the file gets one coded diagnostic and the caller goes on with the next (issue 12).
    const why = e instanceof RangeError ? 'input too complex (nesting or size)' : String((e as Error)?.message ?? e).toLowerCase().replace(/\.$/, '');
    return fail([{
      code: 'fileinfo.identify.failed',
      severity: 'error',
      message: `cannot identify \`${input.path}\`: unexpected parser failure (${why})`,
      location: { kind: 'bytes', file: input.path, offset: 0 },
      help: 'the file is probably damaged or hostile; please report it',
    }]);
  }
}

async function identify(input: IdentifyInput): Promise<Result<FileIdentity>> {
  const { bytes } = input;
  const file = input.path;
  const namePath = input.windowsPath ?? input.path;
  const ext = extensionOf(namePath);
  const collection = collectionForPath(namePath);
  const diagnostics: Diagnostic[] = [];
  let kind: FileKind = 'Other';
  let hashes: Partial<Record<FileHashType, string>> = {};
  let publisher: PublisherInfo | undefined;
  let signature: SignatureStatus = 'NotSigned';
  let reasons: readonly string[] = [];
  let isPackagedApp = false;
  let signatureAnomalies: { code: string; message: string }[] = [];
  let catalog: CatalogHit | undefined;

  if (bytes.length === 0) {
    // AppLocker cannot hash a zero-length file (formats.md §C); the cmdlet errors on it.
    diagnostics.push({ code: 'fileinfo.identify.empty-file', severity: 'warning', message: `\`${file}\` is empty: AppLocker has no hash for a zero-length file` });
  } else if (collection === 'Appx' || (collection === undefined && isZip(bytes))) {
    const r = await readAppx(bytes, { file });
    if (r.ok) {
      kind = 'Appx';
      diagnostics.push(...r.diagnostics);
      isPackagedApp = true;
      hashes = { SHA256Flat: r.value.hashes.SHA256Flat };
      publisher = r.value.publisher;
      signature = r.value.signer ? (r.value.signatureValid ? 'Valid' : 'Invalid') : 'NotSigned';
      reasons = r.value.signer ? r.value.reasons : [];
    } else if (collection === 'Appx') {
      kind = 'Appx';
      diagnostics.push(...r.diagnostics);
      hashes = { SHA256Flat: flat(bytes) };
    } else hashes = { SHA256: flat(bytes) }; // sniffed: just a ZIP, not a package
  } else if (collection === 'Msi' || (collection === undefined && isCompoundFile(bytes))) {
    const r = await readMsi(bytes, { file });
    // A sniffed compound file (no .msi extension) counts as an installer only with a Property table:
    // Office documents are compound files too.
    const isInstaller = collection === 'Msi' || (r.ok && r.value.properties.size > 0);
    if (isInstaller) {
      kind = 'MSI';
      diagnostics.push(...r.diagnostics);
    }
    if (r.ok && isInstaller) {
      // formats.md §C: Microsoft says Windows Installers use the SIP (Authenticode) hash; left uncertain there.
      hashes = { SHA256: r.value.hashes.SHA256, SHA256Flat: r.value.hashes.SHA256Flat };
      publisher = r.value.publisher;
      signature = r.value.signature ? (r.value.signature.valid ? 'Valid' : 'Invalid') : 'NotSigned';
      reasons = r.value.signature?.reasons ?? [];
    } else hashes = { SHA256: flat(bytes) };
  } else if (collection === 'Script') {
    kind = 'Script';
    // Scripts: flat SHA-256 of the raw bytes, signature block included (formats.md §C, §E.3); the signer
    // only when the embedded signature verifies (src/fileinfo/script).
    const sig = await readScriptSignature(bytes, ext, { file });
    hashes = { SHA256: sig.sha256 };
    if (sig.signed) {
      signature = sig.publisher ? 'Valid' : 'Invalid';
      reasons = sig.publisher ? [] : sig.reasons.map((d) => d.message);
    }
    if (sig.publisher) publisher = { publisherName: sig.publisher.publisherName, productName: '', binaryName: '' };
  } else {
    const pe = parsePe(bytes, { file });
    if (pe.ok) {
      kind = 'PE';
      diagnostics.push(...pe.diagnostics);
      if (!pe.value.certificateTable) {
        // No certificate table: nothing to verify, only the Authenticode SHA-256 to compute (one hash pass).
        hashes = { SHA256: authenticodeDigest(bytes, pe.value, 'sha256') };
      }
      const a = pe.value.certificateTable ? await readAuthenticode(bytes, pe.value, { file }) : undefined;
      if (a) hashes = { SHA256: a.imageDigests.sha256! };
      signature = a?.signed ? (a.publisher ? 'Valid' : 'Invalid') : 'NotSigned';
      reasons = a?.signed && !a.publisher ? a.reasons.map((d) => d.message) : [];
      // A valid signature can still sit in a damaged certificate table (osslsigncode rejects such files): say so.
      if (a?.publisher) diagnostics.push(...a.reasons.filter((d) => d.severity !== 'info'));
      // Structural damage around a signature that still verifies (stuffing sits in the primary signature's own
      // reasons, table damage in the file's): what rule generation must refuse (issue 16 item 4).
      if (a?.publisher) {
        signatureAnomalies = [...a.reasons, ...(a.signatures[0]?.reasons ?? [])]
          .filter((d) => d.severity !== 'info' && TABLE_DAMAGE_CODES.has(d.code))
          .map((d) => ({ code: d.code, message: d.message }));
      }
      if (!a?.signed && input.catalogs) {
        // Catalog-signed (§B.8): the file's Authenticode SHA-1 or SHA-256 is a member of a catalog; the
        // catalog's signer is the publisher, the version resource still gives product, binary and version.
        catalog = lookupCatalog(input.catalogs, { sha1: authenticodeDigest(bytes, pe.value, 'sha1'), sha256: hashes.SHA256 ?? authenticodeDigest(bytes, pe.value, 'sha256') });
        if (catalog?.publisherName) {
          signature = 'Valid';
          const v = pe.value.versionInfo;
          publisher = {
            publisherName: catalog.publisherName,
            productName: upperCaseLikeWindows(v?.strings.ProductName ?? ''),
            binaryName: upperCaseLikeWindows(v?.strings.OriginalFilename ?? ''),
            ...(v?.fileVersion ? { binaryVersion: v.fileVersion } : {}),
          };
        } else if (catalog) {
          reasons = [`listed in catalog \`${catalog.catalog}\`, which is not signed or whose signature does not verify: no publisher`];
        }
      }
      if (a?.publisher) {
        const v = pe.value.versionInfo;
        publisher = {
          publisherName: a.publisher.publisherName,
          productName: upperCaseLikeWindows(v?.strings.ProductName ?? ''),
          binaryName: upperCaseLikeWindows(v?.strings.OriginalFilename ?? ''),
          ...(v?.fileVersion ? { binaryVersion: v.fileVersion } : {}),
        };
      }
    } else {
      // Not a PE (MZ-only DOS program, text renamed .exe…): the SIP falls back to the flat hash (§C).
      hashes = { SHA256: flat(bytes) };
      if (collection === 'Exe' || collection === 'Dll') {
        diagnostics.push(...pe.diagnostics.map((d) => ({ ...d, severity: 'warning' as const })));
      }
    }
  }

  const info: FileInformation = {
    path: input.windowsPath ?? input.path,
    ...(publisher ? { publisher } : {}),
    hashes,
    ...(collection ? { collection } : {}),
    ...(isPackagedApp ? { isPackagedApp } : {}),
  };
  const sha = hashes.SHA256;
  return ok(
    {
      info,
      kind,
      ...(collection ? { collection } : {}),
      signature,
      reasons,
      ...(signatureAnomalies.length ? { signatureAnomalies } : {}),
      ...(catalog ? { catalog } : {}),
      displayPath: input.windowsPath ? appLockerDisplayPath(input.windowsPath) : input.path,
      displayPublisher: displayPublisherOf(publisher),
      displayHash: sha ? `SHA256 0x${sha}` : '',
      size: bytes.length,
    },
    diagnostics,
  );
}
