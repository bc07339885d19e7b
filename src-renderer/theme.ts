import {
  Code,
  createTheme,
  DEFAULT_THEME,
  FileInput,
  Menu,
  Modal,
  Notification,
  Pagination,
  Select,
  type CSSVariablesResolver,
} from '@mantine/core';

const PAGINATION_CONTROLS = {
  first: 'First page',
  previous: 'Previous page',
  next: 'Next page',
  last: 'Last page',
} as const;

/**
 * The filled red of a button that deletes: white on red.8, the theme's shade,
 * measured 4.4:1 in the console (AA asks 4.5:1); on red.9 it passes.
 */
export const DANGER_COLOR = 'red.9';

export const theme = createTheme({
  primaryColor: 'indigo',
  // white on indigo.6 is 4.3:1 and on red.7 3.9:1; shade 8 passes WCAG AA's 4.5:1
  primaryShade: 8,
  // filled badges and buttons get black text where white would fall below 4.5:1: above this
  // luminance black reaches 4.6:1, below it white does
  autoContrast: true,
  luminanceThreshold: 0.18,
  defaultRadius: 'md',
  fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  fontFamilyMonospace: '"JetBrains Mono", ui-monospace, SFMono-Regular, Menlo, monospace',
  focusRing: 'auto',
  components: {
    Code: Code.extend({
      // an explicit color prop still wins
      vars: (_theme, props) => ({
        root: props.color ? {} : { '--code-bg': 'var(--fleet-code-bg)' },
      }),
    }),
    // an icon-only button needs a name for screen readers
    Notification: Notification.extend({
      defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss notification' } },
      // Mantine greys a titled notification's text below 4.5:1
      styles: { description: { color: 'var(--mantine-color-text)' } },
    }),
    FileInput: FileInput.extend({
      defaultProps: { clearButtonProps: { 'aria-label': 'Clear the file' } },
    }),
    // the placeholder Mantine focuses first is a focusable role="presentation" inside role="menu",
    // which axe refuses (a menu holds menu items only): focus goes to the first item instead
    Menu: Menu.extend({ defaultProps: { withInitialFocusPlaceholder: false } }),
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } }),
    // a chosen value longer than its field (an organization's name in a filter) ends in "…" before
    // the chevron and clear button, rather than cut under them mid-letter; the ellipsis needs a
    // hidden overflow, which Mantine's input leaves to an unset variable (so: visible)
    Select: Select.extend({ styles: { input: { textOverflow: 'ellipsis', overflow: 'hidden' } } }),
    Pagination: Pagination.extend({
      defaultProps: {
        getControlProps: (control) => ({ 'aria-label': PAGINATION_CONTROLS[control] }),
      },
    }),
  },
});

/**
 * Per colour: its text on light tints, outlines and plain coloured text, at
 * ≥ 4.5:1 in each scheme. Orange and yellow are too light even at their
 * darkest shade on white: they get darker tones of their own.
 */
function readableColours(
  shade: { tint: number; text: number; background?: [number, number] },
  darker: Record<string, string> = {},
): Record<string, string> {
  return Object.fromEntries(
    Object.keys(DEFAULT_THEME.colors).flatMap((name) => {
      const tint = darker[name] ?? `var(--mantine-color-${name}-${shade.tint})`;
      const text = darker[name] ?? `var(--mantine-color-${name}-${shade.text})`;
      const background = shade.background
        ? [
            [
              `--mantine-color-${name}-light`,
              `var(--mantine-color-${name}-${shade.background[0]})`,
            ],
            [
              `--mantine-color-${name}-light-hover`,
              `var(--mantine-color-${name}-${shade.background[1]})`,
            ],
          ]
        : [];
      return [
        [`--mantine-color-${name}-light-color`, tint],
        [`--mantine-color-${name}-outline`, tint],
        [`--mantine-color-${name}-text`, text],
        ...background,
      ];
    }),
  );
}

/**
 * Contrast: Mantine's dimmed text (#868e96 on white, 3.3:1) and its
 * coloured text on light tints fall below WCAG AA; these keep every text
 * at 4.5:1 or more. The dark code background is a shade below a dark
 * card's, so prompts shown in cards keep their box.
 */
export const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--fleet-code-bg': 'var(--mantine-color-gray-0)',
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    // a field's error under it (red.6 on white is 3.6:1)
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    // light tints one shade paler than Mantine's, so that shade 9 text keeps 4.5:1 even hovered
    ...readableColours(
      { tint: 9, text: 9, background: [0, 1] },
      { orange: '#943a0a', yellow: '#735600' },
    ),
  },
  dark: {
    '--fleet-code-bg': 'var(--mantine-color-dark-8)',
    '--mantine-color-dimmed': 'var(--mantine-color-dark-1)',
    '--mantine-color-error': 'var(--mantine-color-red-4)',
    ...readableColours({ tint: 3, text: 4 }),
  },
});
