/*
 * The console page's Content-Security-Policy, one definition for every way
 * the page is served: the app:// handler and headless mode send it as a
 * header, and the build writes it into index.html's meta tag (without the
 * directives a meta tag cannot carry).
 */
const DIRECTIVES: readonly (readonly [string, string])[] = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self' 'unsafe-inline'"],
  ['img-src', "'self' data:"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['frame-ancestors', "'none'"],
  ['form-action', "'none'"],
];

/** Honoured only in a response header. */
const HEADER_ONLY = new Set(['frame-ancestors']);

const policy = (directives: readonly (readonly [string, string])[]) =>
  directives.map(([name, value]) => `${name} ${value}`).join('; ');

export const CONTENT_SECURITY_POLICY = policy(DIRECTIVES);

export const META_CONTENT_SECURITY_POLICY = policy(
  DIRECTIVES.filter(([name]) => !HEADER_ONLY.has(name)),
);
