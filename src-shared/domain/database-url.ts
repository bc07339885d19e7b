/*
 * What a database URL may say, one rule for both sides. Reading the URL is
 * left to the caller: the main process reads it with the driver's own
 * parser (pg-connection-string, which needs Node: it reads certificate files),
 * a screen may read it with the browser's URL; both hand these rules the
 * parameter names (decoded) and the host they found.
 */

/** A parameter that holds a secret: any name containing "password", in any case. */
export function isSecretParameter(name: string): boolean {
  return name.toLowerCase().includes('password');
}

/** Parameters that make the connecting machine read one of its own files (libpq's names). */
const FILE_PARAMETERS = new Set([
  'sslrootcert',
  'sslcert',
  'sslkey',
  'sslcrl',
  'sslcrldir',
  'passfile',
]);

/*
 * A URL entered on a screen names a server: never a file or a socket of the
 * machine the console runs on (the driver reads files with a blocking read,
 * and an answer would tell the page whether they exist), nor server options.
 * The command line is the operator's own machine and is not held to this.
 */

/** Why these query parameters may not come from a screen, as a field message, or null. */
export function parametersFromPageProblem(parameters: readonly string[]): string | null {
  for (const name of parameters) {
    const key = name.toLowerCase();
    if (FILE_PARAMETERS.has(key))
      return (
        `must not name a file: "${name}" makes the console read a file on its own machine ` +
        '(set certificates in DATABASE_URL or on the command line instead)'
      );
    if (key === 'options')
      return `must not carry "${name}": it passes settings to the server session, which the console chooses`;
  }
  return null;
}

/** Why this host (as the driver reads it; '' when the URL names none) may not come from a screen, as a field message, or null. */
export function hostFromPageProblem(host: string): string | null {
  const trimmed = host.trim();
  if (trimmed === '')
    return 'must name a server by host name or address (it names none, which means a local socket)';
  if (trimmed.startsWith('/') || trimmed.startsWith('@') || /[/\\]/.test(trimmed))
    return `must name a server by host name or address: "${trimmed}" is a path to a socket or file`;
  return null;
}
