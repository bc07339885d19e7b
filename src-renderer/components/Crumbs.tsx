import { Anchor, Breadcrumbs, Text } from '@mantine/core';
import { Link } from 'react-router';

export interface Crumb {
  label: string;
  /** Where it leads; the last crumb, the page itself, has none. */
  to?: string;
}

// Breadcrumbs sets line-height 1; with the overflow truncation needs, that cut
// off descenders and the link underline.
const LINE = 1.5;

/** Where a detail page sits: each level above it a link, the page itself named last. */
export function Crumbs({ crumbs }: { crumbs: Crumb[] }) {
  return (
    <nav aria-label="Breadcrumb">
      <Breadcrumbs separatorMargin={6} mb={4}>
        {crumbs.map((crumb) =>
          crumb.to ? (
            <Anchor
              key={crumb.label}
              component={Link}
              to={crumb.to}
              size="sm"
              maw={260}
              truncate="end"
              lh={LINE}
            >
              {crumb.label}
            </Anchor>
          ) : (
            <Text
              key={crumb.label}
              size="sm"
              c="dimmed"
              aria-current="page"
              maw={320}
              truncate="end"
              lh={LINE}
            >
              {crumb.label}
            </Text>
          ),
        )}
      </Breadcrumbs>
    </nav>
  );
}
