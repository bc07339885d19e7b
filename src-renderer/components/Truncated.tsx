import { Text, Tooltip, type TextProps } from '@mantine/core';

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
