/** After enforcement (issue 14): rules that break on update (update-drift.ts). */
export { updateDrift, type UpdateDriftWarning } from './update-drift.js';
export { hasAlertState, type AlertStateLog, monitorGroup, monitorFileKey, alertRuleName, DEFAULT_ALERTS, type AlertRule, type AlertFiring, type BlockedDay, type GroupMonitor, type MonitoredFile, type MonitorFinding, type MonitorGroupInput } from './monitor.js';
export { renderMonitorHtml, renderMonitorText, type MonitorView } from './render.js';
