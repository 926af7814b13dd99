/**
 * read_page for the research agent: fetch a page the model asked for and return its readable
 * text. The URL comes from a language model, which may have read it on a hostile page, so the
 * worker only fetches http(s), refuses addresses inside the network (loopback, private, link
 * local: the classic server-side request forgery targets) unless
 * READ_PAGE_ALLOW_PRIVATE_NETWORKS=true, checks every redirect hop the same way, and reads at
 * most 2 MB.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { NonRetryableError, implement } from 'baton/runtime';
import { readPage } from '../workflows/tasks/research.js';

const MAX_BYTES = 2 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const REQUEST_TIMEOUT_MS = 20_000;

function ipv4Private(address: string): boolean {
  const [a = 0, b = 0] = address.split('.').map(Number);
  return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b < 128) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168);
}

function isInternal(address: string): boolean {
  if (isIP(address) === 4) return ipv4Private(address);
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return ipv4Private(mapped[1]!);
  return lower === '::' || lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower);
}

async function checkTarget(url: URL): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new NonRetryableError(`read_page only reads http and https pages, not ${url.protocol}`);
  if (process.env.READ_PAGE_ALLOW_PRIVATE_NETWORKS === 'true') return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  if (addresses.some(isInternal)) {
    throw new NonRetryableError(`read_page refuses ${url.host}: it resolves to an internal address (set READ_PAGE_ALLOW_PRIVATE_NETWORKS=true to allow)`);
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, code: string) => {
    if (code[0] === '#') {
      const n = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
      return Number.isFinite(n) && n > 0 && n < 0x110000 ? String.fromCodePoint(n) : whole;
    }
    return ENTITIES[code.toLowerCase()] ?? whole;
  });
}

export function htmlToText(html: string): { title: string; text: string } {
  const title = decodeEntities(/<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? '').replace(/\s+/g, ' ').trim();
  const body = html
    .replace(/<(script|style|noscript|template|svg|head)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<\/(p|div|li|h[1-6]|tr|section|article|br)\s*>|<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, ' ');
  const text = decodeEntities(body)
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v\r]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
  return { title, text };
}

async function readLimited(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BYTES) {
      await reader.cancel();
      break;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const readPageWorker = implement(readPage, async (input, context) => {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new NonRetryableError(`'${input.url}' is not a URL`);
  }
  let response: Response | undefined;
  for (let hop = 0; ; hop++) {
    await checkTarget(url);
    try {
      response = await fetch(url, {
        redirect: 'manual',
        headers: { accept: 'text/html, text/plain;q=0.9', 'user-agent': 'baton-research-agent/1 (+read_page)' },
        signal: AbortSignal.any([AbortSignal.timeout(REQUEST_TIMEOUT_MS), context.signal]),
      });
    } catch (error) {
      throw new Error(`fetching ${url.href} failed: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`);
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      if (hop >= MAX_REDIRECTS) throw new NonRetryableError(`${input.url} redirects more than ${MAX_REDIRECTS} times`);
      url = new URL(location, url);
      continue;
    }
    break;
  }
  if (response.status >= 500 || response.status === 429 || response.status === 408) throw new Error(`${url.href} answered ${response.status}`);
  if (!response.ok) throw new NonRetryableError(`${url.href} answered ${response.status}`);
  const type = (response.headers.get('content-type') ?? '').toLowerCase();
  const body = await readLimited(response);
  let page: { title: string; text: string };
  if (type.includes('html') || type === '') page = htmlToText(body);
  else if (type.startsWith('text/')) page = { title: '', text: body.trim() };
  else throw new NonRetryableError(`${url.href} is ${type}, not a page of text`);
  context.log.info('page read', { url: url.href, chars: page.text.length });
  return { url: url.href, title: page.title, text: page.text.slice(0, input.maxChars) };
});
