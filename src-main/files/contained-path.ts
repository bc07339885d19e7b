import { isAbsolute, relative, resolve, sep } from 'node:path';

/** A URL's path with its percent escapes decoded, or null when an escape is malformed. */
export function decodedUrlPath(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url, 'http://x').pathname);
  } catch {
    return null;
  }
}

/**
 * The file a decoded URL path names inside `root`, or null when the path
 * leaves it: through "..", or into a sibling folder whose name merely starts
 * with root's (a prefix test on the joined path lets `/../renderer-old/x` out).
 */
export function containedPath(root: string, urlPath: string): string | null {
  const file = resolve(root, `.${urlPath.startsWith('/') ? '' : '/'}${urlPath}`);
  const inside = relative(resolve(root), file);
  const leaves = inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside);
  return inside === '' || leaves ? null : file;
}
