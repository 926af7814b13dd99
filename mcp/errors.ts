/**
 * Failures a tool reports to the agent as an `isError` result (as opposed to protocol errors):
 * bad input, a run or task that does not exist or is in the wrong state, Conductor refusing or
 * unreachable. Each message says what happened and what the agent can do next.
 */
import { ConductorError } from '../runtime/conductor.js';

export type FailureKind = 'invalid_input' | 'not_found' | 'conflict' | 'unavailable' | 'conductor' | 'run_failed';

export class ToolFailure extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    /** Structured content to send along (a run envelope for a failed run). */
    readonly structured?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ToolFailure';
  }
}

function serverMessage(error: ConductorError): string {
  const text = error.serverMessage ?? '';
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

/** Turns any error from a Conductor call into something an agent can act on. */
export function toToolFailure(error: unknown, action: string): ToolFailure {
  if (error instanceof ToolFailure) return error;
  if (error instanceof ConductorError) {
    const said = serverMessage(error);
    const detail = said ? `: ${said}` : '';
    if (error.status === 0) return new ToolFailure(`Could not ${action}: Conductor is not reachable right now. Try again in a minute.`, 'unavailable');
    if (error.status === 401 || error.status === 403) {
      return new ToolFailure(`Could not ${action}: Conductor refused this server's credentials. Tell the operator; retrying will not help.`, 'conductor');
    }
    if (error.status === 404) return new ToolFailure(`Could not ${action}: not found${detail}.`, 'not_found');
    if (error.status === 409) return new ToolFailure(`Could not ${action}: the run is not in a state that allows it${detail}.`, 'conflict');
    if (error.status === 400 || error.status === 422) return new ToolFailure(`Could not ${action}: Conductor rejected the request${detail}.`, 'invalid_input');
    if (error.status === 429) return new ToolFailure(`Could not ${action}: Conductor is rate limiting; try again shortly.`, 'unavailable');
    return new ToolFailure(`Could not ${action}: Conductor failed (${error.status})${detail}. Try again; if it persists, tell the operator.`, 'conductor');
  }
  throw error;
}
