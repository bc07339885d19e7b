export const SLUG_MIN = 2;
export const SLUG_MAX = 40;

/** Lowercase letters and digits in runs joined by single hyphens: no leading, trailing or double hyphen. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function slugProblem(slug: string): string | null {
  if (slug.length < SLUG_MIN || slug.length > SLUG_MAX) {
    return `must be ${SLUG_MIN}-${SLUG_MAX} characters long`;
  }
  if (!SLUG_PATTERN.test(slug)) {
    return 'may contain only lowercase letters, digits and single hyphens between them';
  }
  return null;
}

export function isValidSlug(slug: string): boolean {
  return slugProblem(slug) === null;
}

/** A slug suggestion for a display name; the result may still need editing to be valid. */
export function suggestSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/g, '');
}

/** The PostgreSQL schema that holds an organization's tenant data. */
export function tenantSchemaName(slug: string): string {
  return `org_${slug}`;
}
