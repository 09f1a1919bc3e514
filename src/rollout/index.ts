/**
 * The rollout room's public facade (issue 6): the workspace as code, the readiness analysis over the
 * EvidenceQuery port, its reports (text, JSON, one-file HTML with SSR charts) and the seeded fleet
 * simulator. Pure: the CLI (src/cli/commands/{init,simulate,report,demo}.ts) does the I/O.
 */
export * from './ports.js';
export * from './workspace/model.js';
export { WorkspaceCode } from './workspace/errors.js';
export { parseWorkspace, parseInventory, MAX_WORKSPACE_BYTES, MAX_INVENTORY_ROWS } from './workspace/parse.js';
export { validateWorkspace } from './workspace/validate.js';
export { parsePrincipals, buildDirectory, MAX_PRINCIPAL_ROWS } from './workspace/principals.js';
export { effectivePolicyForGroup, gposForGroup, gposForMachine, configuredCollections, enforcing, mergeApplied, mergeWithProvenance, ouWithin, withDeclaredEnforcement, type AppliedGpo, type MachineGpo } from './analysis/effective.js';
export { groupMachines, shortComputerName, evidenceComputerNames } from './analysis/membership.js';
export { principalFor, SID, type EvidenceDecider, type EvidenceFacts, type ReplayDecision, type ReplayVerdict } from './analysis/replay.js';
export { engineDecider, expandLoggedPath, factsToFileInformation } from './analysis/engine-decider.js';
export { replayFiles, isAdministratorSid, approvedMatcher, type WouldBlockFile, type WouldBlockCause, type ReplayResult } from './analysis/would-block.js';
export { suggestRules, withSuggestedRules, type SuggestedRule, type SuggestedRuleType, type SuggestedBreadth } from './analysis/suggest.js';
export { analyseReadiness, selectGpos, type ReadinessReport, type GpoReadiness, type GroupReadiness, type CollectionSummary, type ReadinessInput, type ReadinessVerdict, type MachineProfile, type ReadinessDelta, type ComputerMapping, verdictOf, worstVerdict } from './analysis/readiness.js';
export { memoryEvidence } from './analysis/memory-evidence.js';
export { assessSufficiency, appLockerChannel, channelOfCollection, type EvidenceSufficiency, type EvidenceGap, type EvidenceGapKind, type MachineCoverage, type DiscoveryDay, type SufficiencyInput } from './analysis/sufficiency.js';
export { renderReadinessText } from './report/text.js';
export { readinessJson } from './report/json.js';
export { renderReadinessHtml, renderChartSvg, escapeHtml } from './report/html.js';
export { SeededRandom } from './simulate/rng.js';
export { simulateFleet, appCatalogue, defaultRulesPolicy, stableGuid, SYNTHETIC_LABEL, type SimulatedFleet, type SimulatedApp, type SimulatedMachine, type SimulatedUser, type SimulatedGpo, type FleetOptions } from './simulate/fleet.js';
export { simulateEvents, simulateLogClears, logClearsEventXml, type EventSimulationOptions } from './simulate/events.js';
export { simulateAfterEnforcement, type AfterEnforcementOptions, type AfterEnforcementLife, type SimulatedUpdate, type SimulatedAccessRequest, type ExpectedAfterEnforcement } from './simulate/after-enforcement.js';
export { fleetWorkspace, fleetInventory, workspaceYaml, inventoryCsv } from './simulate/workspace.js';
