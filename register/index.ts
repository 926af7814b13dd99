/** Registering compiled definitions with a Conductor server: the public surface. */
export { type ApplyProgress, type ApplyResult, type AppliedItem, applyPlan } from './apply.js';
export { type DefinitionSet, type ScheduleEntry, type TaskDefEntry, type WorkflowEntry, definitionsFromBuild, definitionsFromGenerated } from './definitions.js';
export { type MissingDependency, missingDependencies } from './dependencies.js';
export { type FieldChange, type TaskChange, type WorkflowDiff, diffValues, diffWorkflows } from './diff.js';
export { type LoadOptions, type Loaded, loadDefinitions } from './load.js';
export { type SourceLocator } from './locate.js';
export { normalizeSchedule, normalizeTaskDef, normalizeWorkflow, sameSchedule, sameTaskDef, sameWorkflow } from './normalize.js';
export { type Action, type OnConflict, ON_CONFLICT_VALUES, type Plan, type PlanItem, blockedWorkflows, hasChanges, makePlan, planItems } from './plan.js';
export { type Reporter, isInteractive, lineReporter, quietReporter, terminalReporter } from './progress.js';
export { type RegisterOptions, type RegisterOutcome, registerDefinitions } from './register.js';
export { countPlan, failureJson, planJson, renderFailures, renderPlan } from './render.js';
export { type Failure, formatFailure, isAlreadyExists } from './server-errors.js';
export { type ServerState, readServerState } from './server-state.js';
export { type ServerValidation, validateOnServer } from './validate.js';
