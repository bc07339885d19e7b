import { Code, createTheme, type CSSVariablesResolver } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
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
  },
});

/**
 * Mantine's dark code background is the dark card's own colour, so prompts
 * shown in cards lost their box; one shade darker keeps it.
 */
export const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--fleet-code-bg': 'var(--mantine-color-gray-0)' },
  dark: { '--fleet-code-bg': 'var(--mantine-color-dark-8)' },
});
