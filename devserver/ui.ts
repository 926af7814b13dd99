// Works out which browser-facing pages a server offers. The boot jar published
// to Maven serves only a static landing page at `/` (a logo and a link to
// Swagger); the React UI is only present in builds that copy it into the jar
// (e.g. the Docker image), where `/` is a single-page app. The landing page has
// no <script> at all, while an SPA cannot work without one, which makes a
// robust test that needs no knowledge of either page's wording.

export const SWAGGER_PATH = '/swagger-ui/index.html';

async function get(url: string): Promise<{ ok: boolean; type: string; body: string } | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return { ok: response.ok, type: response.headers.get('content-type') ?? '', body: await response.text() };
  } catch {
    return undefined;
  }
}

/** The UI address (`<url>/`) when the server ships the Conductor UI, else undefined. */
export async function detectUiUrl(baseUrl: string): Promise<string | undefined> {
  const page = await get(`${baseUrl}/`);
  if (!page?.ok || !page.type.includes('text/html')) return undefined;
  return /<script\b/i.test(page.body) ? `${baseUrl}/` : undefined;
}

/** The Swagger UI address when the server serves it, else undefined. */
export async function detectSwaggerUrl(baseUrl: string): Promise<string | undefined> {
  const page = await get(`${baseUrl}${SWAGGER_PATH}`);
  return page?.ok ? `${baseUrl}${SWAGGER_PATH}` : undefined;
}
