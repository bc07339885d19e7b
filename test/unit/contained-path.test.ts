import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { containedPath, decodedUrlPath } from '../../src-main/files/contained-path.ts';

const root = '/srv/out/renderer';

describe('containedPath', () => {
  it('names a file inside the root', () => {
    expect(containedPath(root, '/assets/index-abc.js')).toBe(join(root, 'assets/index-abc.js'));
  });

  it('keeps a path that climbs and comes back inside', () => {
    expect(containedPath(root, '/assets/../index.html')).toBe(join(root, 'index.html'));
  });

  it('refuses a path that climbs out of the root', () => {
    expect(containedPath(root, '/../../etc/passwd')).toBeNull();
  });

  it('refuses a sibling folder whose name starts with the root folder name', () => {
    expect(containedPath(root, '/../renderer-old/secret.txt')).toBeNull();
  });

  it('refuses the root itself, which is no file', () => {
    expect(containedPath(root, '/')).toBeNull();
  });

  it('allows a file name that merely begins with two dots', () => {
    expect(containedPath(root, '/..hidden.js')).toBe(join(root, '..hidden.js'));
  });
});

describe('decodedUrlPath', () => {
  it('decodes the path of a full URL and of a bare request path', () => {
    expect(decodedUrlPath('app://console/assets/a%20b.js?x=1')).toBe('/assets/a b.js');
    expect(decodedUrlPath('/organizations/%C3%A9')).toBe('/organizations/é');
  });

  it('answers null for a malformed percent escape', () => {
    expect(decodedUrlPath('/assets/%E0%A4%A.js')).toBeNull();
  });
});
