/** An import refused for what the archive or the target holds; nothing was written. */
export class TenantImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TenantImportError';
  }
}
