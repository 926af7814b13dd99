/**
 * Prometheus metrics in the text exposition format (version 0.0.4): counters, gauges and
 * histograms with labels, enough for what the MCP server reports without a client library.
 */

type Labels = Record<string, string>;

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`)
    .join(',');
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function series(name: string, key: string, extra = ''): string {
  const all = [key, extra].filter(Boolean).join(',');
  return all ? `${name}{${all}}` : name;
}

function number(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  return Number.isInteger(value) ? String(value) : value.toPrecision(6).replace(/\.?0+$/, '');
}

interface Metric {
  render(): string[];
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, value] of [...this.values].sort(([a], [b]) => a.localeCompare(b))) lines.push(`${series(this.name, key)} ${number(value)}`);
    return lines;
  }
}

export class Gauge implements Metric {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}

  set(value: number, labels: Labels = {}): void {
    this.values.set(labelKey(labels), value);
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const [key, value] of [...this.values].sort(([a], [b]) => a.localeCompare(b))) lines.push(`${series(this.name, key)} ${number(value)}`);
    return lines;
  }
}

export class Histogram implements Metric {
  private readonly values = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[]) {}

  observe(value: number, labels: Labels = {}): void {
    const key = labelKey(labels);
    let entry = this.values.get(key);
    if (!entry) {
      entry = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.values.set(key, entry);
    }
    this.buckets.forEach((bound, i) => {
      if (value <= bound) entry.counts[i]! += 1;
    });
    entry.sum += value;
    entry.count += 1;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, entry] of [...this.values].sort(([a], [b]) => a.localeCompare(b))) {
      this.buckets.forEach((bound, i) => lines.push(`${series(`${this.name}_bucket`, key, `le="${number(bound)}"`)} ${entry.counts[i]}`));
      lines.push(`${series(`${this.name}_bucket`, key, 'le="+Inf"')} ${entry.count}`);
      lines.push(`${series(`${this.name}_sum`, key)} ${number(entry.sum)}`);
      lines.push(`${series(`${this.name}_count`, key)} ${entry.count}`);
    }
    return lines;
  }
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Everything the MCP server counts. */
export class McpMetrics {
  readonly toolCalls = new Counter('baton_mcp_tool_calls_total', 'Tool calls by tool and outcome (ok, error, invalid_input, forbidden, run_failed, unknown_tool).');
  readonly toolDuration = new Histogram('baton_mcp_tool_call_duration_seconds', 'Time to answer a tool call, by tool.', LATENCY_BUCKETS);
  readonly rateLimited = new Counter('baton_mcp_rate_limited_total', 'Requests refused with 429, by key and tool.');
  readonly httpRequests = new Counter('baton_mcp_http_requests_total', 'HTTP requests by path and status.');
  readonly authFailures = new Counter('baton_mcp_auth_failures_total', 'HTTP requests refused for a missing, unknown or expired key, or a bad Host/Origin.');
  readonly conductorErrors = new Counter('baton_mcp_conductor_errors_total', 'Conductor calls that failed, by tool and HTTP status (0: unreachable).');
  readonly tools = new Gauge('baton_mcp_tools', 'Tools served: workflow tools and run tools.');
  readonly reloads = new Counter('baton_mcp_catalogue_reloads_total', 'Reloads of generated/ by outcome.');
  readonly conductorUp = new Gauge('baton_mcp_conductor_up', '1 when the last health check reached Conductor.');
  readonly sessions = new Gauge('baton_mcp_http_sessions', 'Open Streamable HTTP sessions (stateful mode).');
  private readonly started = Date.now() / 1000;

  render(): string {
    const uptime = new Gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch in seconds.');
    uptime.set(Math.floor(this.started));
    const all: Metric[] = [this.toolCalls, this.toolDuration, this.rateLimited, this.httpRequests, this.authFailures, this.conductorErrors, this.tools, this.reloads, this.conductorUp, this.sessions, uptime];
    return `${all.flatMap((m) => m.render()).join('\n')}\n`;
  }
}
