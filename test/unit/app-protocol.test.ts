import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src-main/content-security-policy.ts';
import { appProtocolResponse } from '../../src-main/electron/app-protocol.ts';

let renderer: string;
const fetched: string[] = [];
const fetchFile = async (url: string) => {
  fetched.push(url);
  return new Response('<html></html>', { headers: { 'Content-Type': 'text/html' } });
};

beforeAll(async () => {
  renderer = await mkdtemp(join(tmpdir(), 'fleetprompt-app-protocol-'));
  await writeFile(join(renderer, 'index.html'), '<html></html>');
});
afterAll(() => rm(renderer, { recursive: true, force: true }));

describe('the app:// protocol', () => {
  it('serves the page with the Content-Security-Policy as a header', async () => {
    const response = await appProtocolResponse('app://console/', renderer, fetchFile);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(fetched.at(-1)).toBe(`file://${join(renderer, 'index.html')}`);
  });

  it('never serves a file outside the renderer folder', async () => {
    const count = fetched.length;
    // the URL parser folds a plain /../; an escaped slash reaches the handler as one
    for (const path of [
      '/..%2Fsecret',
      '/%2e%2e%2F%2e%2e%2Fetc%2Fpasswd',
      '/..%2F..%2Frenderer-old%2Fx.js',
    ]) {
      expect((await appProtocolResponse(`app://console${path}`, renderer, fetchFile)).status).toBe(
        404,
      );
    }
    expect(fetched).toHaveLength(count);
  });

  it('answers 400 to a malformed escape', async () => {
    expect((await appProtocolResponse('app://console/%E0%A4%A', renderer, fetchFile)).status).toBe(
      400,
    );
  });
});
