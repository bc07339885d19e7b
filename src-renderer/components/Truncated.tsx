import { Anchor, Text, Tooltip, type TextProps } from '@mantine/core';
import { Link } from 'react-router';

/**
 * A name that may be long, in a table cell: one line, cut with "…" at the
 * column's width, whole in a tooltip and to screen readers (the text is
 * all there, only clipped).
 */
export function Truncated({
  text,
  maxWidth,
  ...props
}: { text: string; maxWidth?: number | string } & Omit<TextProps, 'children' | 'truncate'>) {
  return (
    <Tooltip label={text} openDelay={400} multiline maw={480} withinPortal>
      <Text size="sm" truncate="end" maw={maxWidth ?? '100%'} {...props}>
        {text}
      </Text>
    </Tooltip>
  );
}

/** A name that leads to its page, cut to its column with the whole name on hover. */
export function TruncatedLink({ to, text }: { to: string; text: string }) {
  return (
    <Anchor component={Link} to={to} size="sm" display="block" truncate="end" title={text}>
      {text}
    </Anchor>
  );
}
