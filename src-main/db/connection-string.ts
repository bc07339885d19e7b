import { parse, type ConnectionOptions } from 'pg-connection-string';
import {
  hostFromPageProblem,
  isSecretParameter,
  parametersFromPageProblem,
} from '../../src-shared/domain/database-url.ts';

/*
 * Database URLs read the way node-postgres reads them (pg-connection-string
 * is its parser): masked wherever one is shown, logged, stored or archived,
 * and checked when one comes from the page.
 */

const MASK = '•••';
const ENCODED_MASK = encodeURIComponent(MASK);
const HIDDEN = '(a URL that cannot be shown safely)';
const NOT_A_URL = '(not a valid URL)';

/** The parameters parse() reads files for, synchronously, as soon as it sees them. */
const READ_BY_PARSE = new Set(['sslcert', 'sslkey', 'sslrootcert']);
/** What parse() puts in place of an empty host (`user@/db`) so that URL accepts it. */
const STAND_IN_HOST = '___DUMMY___';

interface DriverView {
  /** The URL parse() builds from the text; null for the bare socket-path form (`/tmp dbname`). */
  url: URL | null;
  emptyHost: boolean;
  /** What parse() answers, the files it would read left out. */
  config(): ConnectionOptions;
}

/**
 * The first steps of pg-connection-string's parse(), done here so that the
 * files it would read can be withheld before it sees the URL: the same
 * clean-up of spaces and stray percent signs, the same base, the same stand-in
 * for an empty host. Then parse() itself says what the driver makes of it.
 */
function readAsDriver(text: string): DriverView {
  if (text.startsWith('/')) return { url: null, emptyHost: false, config: () => parse(text) };
  const cleaned = / |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(text)
    ? encodeURI(text).replace(/%25(\d\d)/g, '%$1')
    : text;
  let url: URL;
  let emptyHost = false;
  try {
    url = new URL(cleaned, 'postgres://base');
  } catch {
    url = new URL(cleaned.replace('@/', `@${STAND_IN_HOST}/`), 'postgres://base');
    emptyHost = true;
  }
  const config = () => {
    const withoutFiles = new URL(url.href);
    for (const name of [...url.searchParams.keys()])
      if (READ_BY_PARSE.has(name)) withoutFiles.searchParams.delete(name);
    return parse(withEmptyHost(withoutFiles.href, emptyHost));
  };
  return { url, emptyHost, config };
}

function withEmptyHost(href: string, emptyHost: boolean): string {
  return emptyHost ? href.replace(`@${STAND_IN_HOST}/`, '@/') : href;
}

/** Whether the driver would still find a secret in `masked`: then it is not shown at all. */
function stillSecret(masked: string): boolean {
  return Object.entries(readAsDriver(masked).config()).some(
    ([name, value]) =>
      isSecretParameter(name) && typeof value === 'string' && value !== '' && value !== MASK,
  );
}

/**
 * The URL with every secret hidden, for screens, logs, messages, archives
 * and markers: the password of `user:password@`, and every query parameter
 * whose name contains "password" (`password`, `sslpassword`, any case,
 * percent-encoded names included). What the driver's parser still finds in
 * the result is checked: a URL it would read a secret from is not shown.
 */
export function maskUrl(text: string): string {
  if (!text.startsWith('/') && !/^[a-z][a-z0-9+.-]*:/i.test(text)) return NOT_A_URL;
  try {
    const { url, emptyHost } = readAsDriver(text);
    if (!url) return text;
    const masked = new URL(url.href);
    if (masked.password) masked.password = MASK;
    const entries = [...masked.searchParams];
    if (entries.some(([name]) => isSecretParameter(name)))
      masked.search = new URLSearchParams(
        entries.map(([name, value]) => [name, isSecretParameter(name) ? MASK : value]),
      ).toString();
    const shown = withEmptyHost(masked.href.replaceAll(ENCODED_MASK, MASK), emptyHost);
    return stillSecret(shown) ? HIDDEN : shown;
  } catch {
    return NOT_A_URL;
  }
}

const URL_IN_TEXT = /\b(?:postgres(?:ql)?:\/\/|socket:)[^\s"'`<>]+/gi;
/** `name=value` outside a URL, as in libpq's `host=… password=…` form. */
const PAIR_IN_TEXT = /(^|[\s?&;,(])([A-Za-z0-9_.%-]+)=([^\s&"'`,;)]*)/g;

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** Any text (a log line, an error message) with every database URL in it masked by maskUrl. */
export function maskUrlsIn(text: string): string {
  return text
    .replace(URL_IN_TEXT, (url) => maskUrl(url))
    .replace(PAIR_IN_TEXT, (pair, before: string, name: string) =>
      isSecretParameter(decodedName(name)) ? `${before}${name}=${MASK}` : pair,
    );
}

/** An error's message with `url` masked in it, however the URL was written there. */
export function messageWithUrlMasked(error: unknown, url: string): string {
  if (!(error instanceof Error)) return '';
  const message = url ? error.message.replaceAll(url, maskUrl(url)) : error.message;
  return maskUrlsIn(message);
}

/** Why a URL entered on a screen may not be used (src-shared/domain/database-url.ts), or null. */
export function urlFromPageRefusal(text: string): string | null {
  try {
    const { url, config } = readAsDriver(text);
    const named = parametersFromPageProblem(url ? [...url.searchParams.keys()] : []);
    if (named) return named;
    const { host } = config();
    return hostFromPageProblem(typeof host === 'string' ? host : '');
  } catch {
    return 'is not a URL the database driver can read';
  }
}
