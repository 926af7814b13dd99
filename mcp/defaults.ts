/** Defaults of the MCP server, kept apart so the command line can show them without loading it. */
export const DEFAULTS = {
  maxWaitSeconds: 50,
  maxResponseBytes: 32 * 1024,
  pageSize: 100,
  rateLimitPerMinute: 1000,
} as const;
