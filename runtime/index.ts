/**
 * baton's runtime API, imported as 'baton/runtime': worker code (`implement`, errors, the
 * runner) and the typed client for application code. Workflow unit tests import
 * 'baton/testing'.
 */
export { implement, isWorkerDefinition, type Handler, type TaskContext, type WorkerDefinition, type AnyWorkerDefinition, type WorkerOptions } from './implement.js';
export { NonRetryableError, SchemaMismatchError, isNonRetryable } from './errors.js';
export { startWorkers, type StartWorkersOptions, type WorkerPool, type StopResult } from './runner.js';
export { serveWorkerStatus, type StatusServer, type StatusServerOptions } from './status-server.js';
export { createLogger, silentLogger, type Logger, type LogLevel, type LogFields, type LoggerOptions } from './logger.js';
export {
  createClient,
  WorkflowInputError,
  type BatonClient,
  type StartOptions,
  type WaitOptions,
  type SearchOptions,
  type WorkflowSummary,
} from './client.js';
export { WorkflowOutputError, describeOutcome, type Execution, type TaskRun, type WorkflowStatus, type TaskRunStatus } from './execution.js';
export { Conductor, ConductorError, connectionFromEnv, type ConnectionOptions } from './conductor.js';
