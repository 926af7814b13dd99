/**
 * The AI task types (LLM_*, LIST_MCP_TOOLS, CALL_MCP_TOOL) → their builders (`wf.chatComplete`,
 * `wf.searchIndex`, `wf.callMcpTool`, …), whose options are the task's input fields by the same
 * names. A task is declined (and written with the escape hatch) when an input is not one of the
 * builder's options, a required one is missing, or a value is not of a kind its option accepts
 * as written here: the generated source must type-check and pass the builder's own checks.
 */
import { CHAT_ROLES } from '../../tasktypes/llm-chat-complete.js';
import { type Doc, callDoc, quote } from '../doc.js';
import { isSingleReference, parseString } from '../expressions.js';
import { type Json, type JsonObject, isObject } from '../json.js';
import { planCommon } from './common.js';
import type { Planner, StepWriter } from './types.js';

/** How an option is written, and what values it takes. */
type Kind =
  /** `In<string>`: literal text, a reference or a template. */
  | 'text'
  /** A URL the server calls (literal: http or https). */
  | 'url'
  /** A vector database namespace (literal: letters, digits, _ and -). */
  | 'namespace'
  /** `In<number>`, written only as a literal. */
  | 'number'
  /** A literal number from 0 to 2 (temperature). */
  | 'temperature'
  /** A literal number from 0 to 1 (topP). */
  | 'probability'
  /** A literal whole number ≥ 1. */
  | 'count'
  /** `boolean`, literal only. */
  | 'boolean'
  /** A literal list of strings. */
  | 'texts'
  /** A literal list of numbers. */
  | 'numbers'
  /** `Record<string, unknown>`: a literal object. */
  | 'record'
  /** `Record<string, In<string>>`: a literal object of texts and references. */
  | 'headers'
  /** `Record<string, unknown> | In<Record<…>>`: a literal object or one reference. */
  | 'arguments'
  /** Chat messages: one reference, or literal messages with a known role and text. */
  | 'messages'
  /** Tool specs: one reference. */
  | 'reference'
  /** Roles by participant: a literal object of known roles. */
  | 'participants'
  /** One of 'low', 'medium', 'high', or a reference. */
  | 'effort';

interface AiForm {
  readonly method: string;
  readonly required: readonly string[];
  readonly options: Readonly<Record<string, Kind>>;
}

const SAMPLING: Readonly<Record<string, Kind>> = {
  temperature: 'temperature',
  topP: 'probability',
  topK: 'count',
  frequencyPenalty: 'number',
  presencePenalty: 'number',
  maxTokens: 'count',
  stopWords: 'texts',
};

const LOCATION: Readonly<Record<string, Kind>> = { vectorDB: 'text', index: 'text', namespace: 'namespace' };

const FORMS: Readonly<Record<string, AiForm>> = {
  LLM_TEXT_COMPLETE: {
    method: 'textComplete',
    required: ['llmProvider', 'model', 'prompt'],
    options: { llmProvider: 'text', model: 'text', prompt: 'text', promptVariables: 'record', jsonOutput: 'boolean', ...SAMPLING },
  },
  LLM_CHAT_COMPLETE: {
    method: 'chatComplete',
    required: ['llmProvider', 'model', 'messages'],
    options: {
      llmProvider: 'text',
      model: 'text',
      instructions: 'text',
      messages: 'messages',
      promptVariables: 'record',
      jsonOutput: 'boolean',
      tools: 'reference',
      participants: 'participants',
      thinkingTokenLimit: 'count',
      reasoningEffort: 'effort',
      reasoningSummary: 'text',
      previousResponseId: 'text',
      webSearch: 'boolean',
      codeInterpreter: 'boolean',
      fileSearchVectorStoreIds: 'texts',
      googleSearchRetrieval: 'boolean',
      ...SAMPLING,
    },
  },
  LLM_GENERATE_EMBEDDINGS: {
    method: 'generateEmbeddings',
    required: ['llmProvider', 'model', 'text'],
    options: { llmProvider: 'text', model: 'text', text: 'text', dimensions: 'count' },
  },
  LLM_INDEX_TEXT: {
    method: 'indexText',
    required: ['vectorDB', 'index', 'docId', 'text', 'embeddingModelProvider', 'embeddingModel'],
    options: { ...LOCATION, docId: 'text', text: 'text', embeddingModelProvider: 'text', embeddingModel: 'text', dimensions: 'count', metadata: 'record' },
  },
  LLM_SEARCH_INDEX: {
    method: 'searchIndex',
    required: ['vectorDB', 'index', 'namespace', 'query', 'embeddingModelProvider', 'embeddingModel'],
    options: { ...LOCATION, query: 'text', embeddingModelProvider: 'text', embeddingModel: 'text', dimensions: 'count', maxResults: 'count' },
  },
  LLM_STORE_EMBEDDINGS: {
    method: 'storeEmbeddings',
    required: ['vectorDB', 'index', 'namespace', 'embeddings'],
    options: { ...LOCATION, embeddings: 'numbers', id: 'text', metadata: 'record' },
  },
  LLM_GET_EMBEDDINGS: {
    method: 'getEmbeddings',
    required: ['vectorDB', 'index', 'namespace', 'embeddings'],
    options: { ...LOCATION, embeddings: 'numbers', maxResults: 'count' },
  },
  LIST_MCP_TOOLS: { method: 'listMcpTools', required: ['mcpServer'], options: { mcpServer: 'url', headers: 'headers' } },
  CALL_MCP_TOOL: { method: 'callMcpTool', required: ['mcpServer', 'method'], options: { mcpServer: 'url', method: 'text', arguments: 'arguments', headers: 'headers' } },
};

/** One expression standing for the whole value (not text around it). */
function isReference(value: Json): boolean {
  if (typeof value !== 'string') return false;
  const parsed = parseString(value);
  return parsed.kind === 'opaque' || isSingleReference(parsed);
}
const isText = (value: Json) => typeof value === 'string';
const isMessage = (value: Json) =>
  isObject(value) &&
  Object.keys(value).every((k) => ['role', 'message', 'media', 'mimeType'].includes(k)) &&
  (CHAT_ROLES as readonly Json[]).includes(value.role ?? null) &&
  typeof value.message === 'string' &&
  (value.mimeType === undefined || typeof value.mimeType === 'string') &&
  (value.media === undefined || (Array.isArray(value.media) && value.media.every(isText)));

/** Whether a value of this kind is written so that its option accepts it. */
function accepts(kind: Kind, value: Json): boolean {
  switch (kind) {
    case 'text':
      return typeof value === 'string' && (parseString(value).kind !== 'text' || value.trim() !== '');
    case 'url':
      return typeof value === 'string' && (parseString(value).kind !== 'text' || /^https?:\/\/[^/\s]+/i.test(value));
    case 'namespace':
      return typeof value === 'string' && (parseString(value).kind !== 'text' || /^[A-Za-z0-9_-]+$/.test(value));
    case 'number':
      return typeof value === 'number';
    case 'temperature':
      return typeof value === 'number' && value >= 0 && value <= 2;
    case 'probability':
      return typeof value === 'number' && value >= 0 && value <= 1;
    case 'count':
      return typeof value === 'number' && Number.isInteger(value) && value >= 1;
    case 'boolean':
      return typeof value === 'boolean';
    case 'texts':
      return Array.isArray(value) && value.every(isText);
    case 'numbers':
      return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number');
    case 'record':
      return isObject(value);
    case 'headers':
      return isObject(value) && Object.values(value).every(isText);
    case 'arguments':
      return isObject(value) || isReference(value);
    case 'messages':
      return isReference(value) || (Array.isArray(value) && value.every(isMessage));
    case 'reference':
      return isReference(value);
    case 'participants':
      return isObject(value) && Object.values(value).every((role) => (CHAT_ROLES as readonly Json[]).includes(role));
    case 'effort':
      return isReference(value) || value === 'low' || value === 'medium' || value === 'high';
  }
}

function write(w: StepWriter, kind: Kind, value: Json): Doc {
  switch (kind) {
    case 'text':
    case 'url':
    case 'namespace':
    case 'effort':
      return w.value(value, 'string');
    case 'headers':
      return w.record(value as JsonObject, 'string');
    case 'messages':
    case 'reference':
    case 'arguments':
      return typeof value === 'string' ? w.value(value, 'typed') : w.value(value);
    case 'record':
    case 'participants':
      return w.record(value as JsonObject);
    default:
      return w.value(value);
  }
}

export const planAiTask: Planner = (task) => {
  const form = FORMS[String(task.type)];
  const input = task.inputParameters ?? {};
  if (!form || !isObject(input)) return undefined;
  for (const [key, value] of Object.entries(input)) {
    const kind = form.options[key];
    if (kind === undefined || value === null || !accepts(kind, value)) return undefined;
  }
  if (form.required.some((key) => input[key] === undefined)) return undefined;
  const name = task.name as string;
  const common = planCommon(task, ['inputParameters'], { defaultRef: name, defaultName: name, renamable: false });
  if (!common) return undefined;
  return {
    builder: form.method,
    blocks: [],
    render(w) {
      const own: [string, Doc][] = Object.entries(input).map(([key, value]) => [key, write(w, form.options[key]!, value)]);
      return callDoc(`${w.scope}.${form.method}`, [quote(name), w.options(own, common)!]);
    },
  };
};
