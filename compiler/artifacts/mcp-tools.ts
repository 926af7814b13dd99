/**
 * MCP tool definitions, one per workflow (`generated/mcp/tools.json`). The input schema is the
 * workflow's own input schema; the output schema describes the run envelope the MCP server
 * answers with (execution id, status, output, failure, truncation marker).
 */
import type { Json } from '../../ir/value.js';
import type { WorkflowIR } from '../../ir/workflow.js';
import { type JsonSchema, jsonSchema } from '../schema-info.js';
import { walkSteps } from '../../tasktypes/registry.js';

export const RUN_STATUSES = ['RUNNING', 'COMPLETED', 'FAILED', 'TIMED_OUT', 'TERMINATED', 'PAUSED'] as const;

/** The envelope every workflow tool and run tool answers with. */
export function runEnvelopeSchema(output: JsonSchema | undefined): JsonSchema {
  const { $schema: _ignored, ...outputSchema } = output ?? {};
  return {
    type: 'object',
    properties: {
      workflowId: { type: 'string', description: 'Conductor execution id of the run' },
      workflowName: { type: 'string' },
      status: { type: 'string', enum: [...RUN_STATUSES] },
      output: Object.keys(outputSchema).length > 0 ? { anyOf: [outputSchema as Json, { type: 'null' }] } : {},
      failure: {
        anyOf: [
          {
            type: 'object',
            properties: {
              reason: { type: 'string' },
              failedTask: { type: 'string', description: 'reference name of the task that failed' },
              taskType: { type: 'string' },
            },
            required: ['reason'],
          },
          { type: 'null' },
        ],
      },
      truncated: { type: 'boolean', description: 'true when output was summarised to stay small' },
    },
    required: ['workflowId', 'status', 'truncated'],
  };
}

/** A name MCP clients accept: letters, digits, `_`, `-`, `.`, at most 64 characters. */
export function toolName(workflowName: string): string {
  return workflowName.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
}

export interface ToolDefinition {
  [key: string]: Json;
}

function opensWorld(workflow: WorkflowIR): boolean {
  let open = false;
  walkSteps(workflow.steps, (step) => {
    if (step.kind === 'http' || step.kind === 'simple' || step.kind === 'event' || step.kind === 'kafkaPublish') open = true;
  });
  return open;
}

export function toolDefinition(workflow: WorkflowIR): ToolDefinition {
  const hints = workflow.tool;
  const title = hints.title ?? workflow.name.replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase());
  let description = workflow.description ?? `Runs the Conductor workflow '${workflow.name}'.`;
  if (workflow.examples.length > 0) {
    const shown = workflow.examples.slice(0, 3).map((e) => `- ${e.name}${e.description ? ` (${e.description})` : ''}: ${JSON.stringify(e.input)}`);
    description += `\n\nExample inputs:\n${shown.join('\n')}`;
  }
  const readOnly = hints.readOnly ?? false;
  return {
    name: toolName(workflow.name),
    title,
    description,
    inputSchema: jsonSchema(workflow.input, 'input') as Json,
    outputSchema: runEnvelopeSchema(jsonSchema(workflow.output, 'output')) as Json,
    annotations: {
      title,
      readOnlyHint: readOnly,
      destructiveHint: hints.destructive ?? !readOnly,
      idempotentHint: hints.idempotent ?? false,
      openWorldHint: hints.openWorld ?? opensWorld(workflow),
    },
    _meta: { 'baton/workflow': { name: workflow.name, version: workflow.version } },
  };
}
