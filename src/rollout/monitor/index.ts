/** After enforcement (issue 14): rules that break on update (update-drift.ts). */
export { updateDrift, type UpdateDriftWarning } from './update-drift.js';
