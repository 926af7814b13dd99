/**
 * Tools of the research agent that need code: reading a web page means fetching it, following
 * redirects, turning HTML into text and refusing hosts that are off limits, which is a worker's
 * job, not the Conductor server's.
 */
import { task, z } from 'baton';

/** Fetch a web page and return its readable text, cut to a length a model can take in. */
export const readPage = task('read_page', {
  input: z.object({
    url: z.string().describe('Page to read (http or https)'),
    maxChars: z.number().int().positive().describe('Longest text to return; the rest is cut off'),
  }),
  output: z.object({
    url: z.string().describe('Final URL after redirects'),
    title: z.string().describe('Page title, or "" when there is none'),
    text: z.string().describe('Readable text of the page, at most maxChars long'),
  }),
  profile: 'external',
});
