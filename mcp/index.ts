// Public surface of the MCP server: what the CLI, tests and benchmarks import.
export { AuditLog, type AuditEntry, type AuditSink } from './audit.js';
export { KeyRing, generateKey, hashKey, loadKeysFile, parseKeysEnv, parseKeysFile } from './auth/keys.js';
export { RateLimiter } from './auth/rate-limit.js';
export { LOCAL_PRINCIPAL, type Principal, ROLES, type Role, roleAllows } from './auth/roles.js';
export { Catalogue, type CatalogueSnapshot, loadCatalogue } from './catalogue.js';
export { HealthProbe } from './health.js';
export { type HttpHandle, type HttpOptions, RATE_LIMITED_ERROR_CODE, serveHttp } from './http/server.js';
export { type Logger, jsonLogger, silentLogger } from './log.js';
export { McpMetrics } from './metrics.js';
export { DEFAULT_AUDIT_LOG, DEFAULT_PORT, ENV, type McpFlags, type ResolvedMcpOptions, resolveMcpOptions } from './options.js';
export { runMcp } from './run.js';
export { FORBIDDEN_ERROR_CODE, type McpServices, createMcpServer } from './server.js';
export { DEFAULTS, closeServices, createServices, type ServiceOptions } from './services.js';
export { serveStdio } from './stdio.js';
export { TOOL } from './tools/names.js';
