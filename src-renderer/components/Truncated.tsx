import { Anchor, Text, Tooltip, type TextProps } from '@mantine/core';
import type { MouseEvent, ReactElement } from 'react';
import { Link } from 'react-router';

type OneLine = Omit<TextProps, 'children' | 'truncate'>;

/** The whole text on hover, for a line cut to its column. */
function Whole({ text, children }: { text: string; children: ReactElement }) {
  return (
    <Tooltip label={text} openDelay={400} multiline maw={480} withinPortal>
      {children}
    </Tooltip>
  );
}

/**
 * A name that may be long, in a table cell: one line, cut with "…" at the
 * column's width, whole in a tooltip and to screen readers (the text is
 * all there, only clipped).
 */
export function Truncated({
  text,
  maxWidth,
  ...props
}: { text: string; maxWidth?: number | string } & OneLine) {
  return (
    <Whole text={text}>
      <Text size="sm" truncate="end" maw={maxWidth ?? '100%'} {...props}>
        {text}
      </Text>
    </Whole>
  );
}

/**
 * A record's name: cut to its room like `Truncated`, and a link to the
 * record's page when it has one (`to`). The link is 24 px tall and wide at
 * least, even for a one-letter name (WCAG 2.2 target size).
 */
export function Name({
  text,
  to,
  onClick,
  ...props
}: {
  text: string;
  to?: string | null;
  /** e.g. to keep a click on the name from also opening the row. */
  onClick?: (event: MouseEvent) => void;
  /** Where the link's words alone would not say where it leads. */
  'aria-label'?: string;
} & OneLine) {
  if (!to) return <Truncated text={text} {...props} />;
  return (
    <Whole text={text}>
      <Anchor
        component={Link}
        to={to}
        size="sm"
        display="block"
        truncate="end"
        miw={24}
        lh="24px"
        onClick={onClick}
        {...props}
      >
        {text}
      </Anchor>
    </Whole>
  );
}
