import { describe, expect, it } from 'vitest';
import { workflow, z } from '../../../dsl/index.js';
import { definitionOf, diagnosticsOf, externalDef } from './helpers.js';

const input = z.object({ city: z.string(), server: z.string() });

describe('callMcpTool (CALL_MCP_TOOL)', () => {
  it('lowers the tool name as method and its arguments under arguments, with parsed content typed', () => {
    const weather = z.object({ tempC: z.number() });
    const wf = workflow('mcp_call', { input, output: z.object({ temp: z.number().optional(), failed: z.boolean() }) }, (wf) => {
      const called = wf.callMcpTool('weather', {
        mcpServer: wf.input.server,
        method: 'get_weather',
        arguments: { city: wf.input.city, units: 'metric' },
        output: weather,
      });
      return { temp: called.output.content[0]!.parsed.tempC, failed: called.output.isError };
    });
    const definition = definitionOf(wf);
    expect(definition.tasks).toEqual([
      {
        name: 'weather',
        taskReferenceName: 'weather',
        type: 'CALL_MCP_TOOL',
        inputParameters: { mcpServer: '${workflow.input.server}', method: 'get_weather', arguments: { city: '${workflow.input.city}', units: 'metric' } },
        taskDefinition: externalDef('weather'),
      },
    ]);
    expect(definition.outputParameters).toEqual({ temp: '${weather.output.content[0].parsed.tempC}', failed: '${weather.output.isError}' });
  });

  it('reports an empty tool name', () => {
    const wf = workflow('mcp_call_bad', { input, output: z.object({}) }, (wf) => {
      wf.callMcpTool('weather', { mcpServer: 'https://tools.example/mcp', method: '' });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      { code: 'ai-required', severity: 'error', message: "callMcpTool 'weather' has no method", hint: 'Conductor fails the task without method; pass it' },
    ]);
  });

  it('reports a reference to a field the parsed schema does not have', () => {
    const wf = workflow('mcp_call_field', { input, output: z.object({ x: z.unknown() }) }, (wf) => {
      const called = wf.callMcpTool('weather', { mcpServer: 'https://tools.example/mcp', method: 'get_weather', output: z.object({ tempC: z.number() }) });
      return { x: (called.output.content[0]!.parsed as unknown as Record<string, never>).humidity };
    });
    expect(diagnosticsOf(wf).map((d) => [d.code, d.message])).toEqual([['ref-unknown-field', "the output of 'weather' has no field content[0].parsed.humidity"]]);
  });
});
