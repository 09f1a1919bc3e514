/**
 * The fileinfo room's public facade: know the files from their bytes — PE, Authenticode, MSI, AppX/MSIX,
 * scripts — and produce AppLocker's FileInformation (what Get-AppLockerFileInformation reports) plus the
 * reference-computer inventory format. Other rooms import only this module.
 * Spec: shared/spec/formats.md §B–§F; applocker.md §5.1, §8.2.
 */
export * from './pe/index.js';
export * from './authenticode/index.js';
export * from './script/index.js';
export {
  readMsi, normaliseMsiVersion, parseCompoundFile, isCompoundFile, decodeMsiStreamName, parseStringPool, parsePropertyTable,
  msiDigest, msiPrehash, DEFAULT_CFB_LIMITS,
} from './msi/index.js';
export type { MsiInfo, MsiSignature, CompoundFile, CfbEntry, CfbLimits, StringPool } from './msi/index.js';
export { readAppx, parseManifestIdentity, publisherId, appxPackageDigest, DEFAULT_APPX_LIMITS } from './appx/index.js';
export type { AppxInfo, AppxLimits, PackageIdentity } from './appx/index.js';
export { identifyFile, appLockerDisplayPath, windowsPathUnder, displayPublisherOf } from './identify.js';
export type { FileIdentity, FileKind, IdentifyInput, SignatureStatus } from './identify.js';
export { INVENTORY_FORMAT, inventoryEntry, resumeKey, formatInventoryLine, parseInventory } from './inventory.js';
export type { InventoryEntry } from './inventory.js';
export { readFileFacts, parseHashText, MAX_FACT_RECORDS, type FactRecord, type FactsFormat, type FileFacts } from './facts/index.js';
export { buildCatalogIndex, lookupCatalog, EMPTY_CATALOG_INDEX, MAX_CATALOG_FILES, type CatalogIndex, type CatalogHit } from './catalog/index.js';
