const MB = 1024 * 1024;

/**
 * The embedded server's shared buffers, from the machine's memory: a
 * sixteenth of it, between PostgreSQL's own default (128 MB) and 1 GB. The
 * default fits a few hundred tenants; at 10,000 their catalogs alone are
 * some 2 GB, and a tenant migration fanned out to all of them spent a fifth
 * of its time reading and evicting catalog pages. The buffers take memory
 * only as pages are read into them, so a small fleet never uses the rest.
 */
export function sharedBuffersMb(totalMemoryBytes: number): number {
  return Math.min(1024, Math.max(128, Math.floor(totalMemoryBytes / 16 / MB)));
}
