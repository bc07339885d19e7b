import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// these files run beside the integration files on two cores: a palette search (debounced,
// then rendered) once took longer than findBy's default second under that load; a test that
// finds nothing still fails, five seconds later
configure({ asyncUtilTimeout: 5_000 });

afterEach(cleanup);
