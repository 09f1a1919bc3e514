/**
 * FileInformation: the facts about one file that AppLocker conditions match against, in the shape
 * `Get-AppLockerFileInformation` reports them (Path, Publisher, Hash; applocker.md §5.1, §8.2, §11.4).
 * Lives in policy/ because it is AppLocker's own concept: fileinfo/ produces it, engine/ consumes it.
 */
import type { FileHashType, RuleCollectionType } from './model.js';

export interface PublisherInfo {
  /** AppLocker publisher name, e.g. `O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US`. */
  readonly publisherName: string;
  /** Upper-cased ProductName ('' if absent). */
  readonly productName: string;
  /** Upper-cased OriginalFilename (PE), ProductCode (MSI) or package name (Appx); '' if absent. */
  readonly binaryName: string;
  /** `a.b.c.d`, or undefined when the file has no version. */
  readonly binaryVersion?: string;
}

export interface FileInformation {
  /** The full Windows path as the OS sees it, e.g. `C:\Program Files\App\a.exe`. */
  readonly path: string;
  /** The UNC form of a file on a mapped drive, when known (§4.2). */
  readonly uncPath?: string;
  /** Present only when the file carries a valid signature (publisher rules need one). */
  readonly publisher?: PublisherInfo;
  /** Hex digests without `0x`, any case, by AppLocker hash type (SHA256 = Authenticode for PE). */
  readonly hashes: Partial<Record<FileHashType, string>>;
  /** Overrides classification by extension (§2.3). */
  readonly collection?: RuleCollectionType;
  /** A packaged app (Appx/MSIX): publisher fields come from the package identity. */
  readonly isPackagedApp?: boolean;
}
