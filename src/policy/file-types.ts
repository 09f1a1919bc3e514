/**
 * Which rule collection a file belongs to, by its last extension, as the cmdlets classify files
 * (applocker.md §2.3). `.wsf/.wsh` and the MSIX family are inferred, not documented.
 */
import type { RuleCollectionType } from './model.js';

const EXT_TO_COLLECTION: Readonly<Record<string, RuleCollectionType>> = {
  '.exe': 'Exe', '.com': 'Exe',
  '.dll': 'Dll', '.ocx': 'Dll',
  '.msi': 'Msi', '.msp': 'Msi', '.mst': 'Msi',
  '.ps1': 'Script', '.psm1': 'Script', '.psd1': 'Script', '.bat': 'Script', '.cmd': 'Script', '.vbs': 'Script',
  '.js': 'Script', '.wsf': 'Script', '.wsh': 'Script',
  '.appx': 'Appx', '.msix': 'Appx', '.appxbundle': 'Appx', '.msixbundle': 'Appx',
};

/** The extensions `Get-AppLockerFileInformation -Directory` inspects, plus the script/MSIX ones above. */
export const APPLOCKER_EXTENSIONS: readonly string[] = Object.keys(EXT_TO_COLLECTION);

/** The last extension of a Windows or POSIX path, lower-case with the dot ('' if none). */
export function extensionOf(path: string): string {
  const name = path.slice(Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/')) + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot).toLowerCase();
}

/** The collection for a path by extension, or undefined when AppLocker does not govern that type. */
export function collectionForPath(path: string): RuleCollectionType | undefined {
  return EXT_TO_COLLECTION[extensionOf(path)];
}
