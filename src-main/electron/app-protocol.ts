import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../content-security-policy.ts';
import { containedPath, decodedUrlPath } from '../files/contained-path.ts';

/**
 * What app://console answers: a file of the built renderer (never one
 * outside it), with the page's Content-Security-Policy as a header too.
 */
export async function appProtocolResponse(
  url: string,
  rendererDir: string,
  fetchFile: (fileUrl: string) => Promise<Response>,
): Promise<Response> {
  const path = decodedUrlPath(url);
  if (path === null) return new Response('Malformed path', { status: 400 });
  const file = containedPath(rendererDir, path === '/' ? '/index.html' : path);
  if (!file) return new Response('Not found', { status: 404 });
  const response = await fetchFile(pathToFileURL(file).toString());
  const headers = new Headers(response.headers);
  headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  headers.set('X-Content-Type-Options', 'nosniff');
  return new Response(response.body, { status: response.status, headers });
}
