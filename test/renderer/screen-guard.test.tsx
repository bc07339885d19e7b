import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../../src-shared/contract.ts';
import type { Role } from '../../src-shared/domain/enums.ts';
import { SessionProvider } from '../../src-renderer/auth/session.tsx';
import { ScreenGuard } from '../../src-renderer/layout/ScreenGuard.tsx';
import { renderWithMantine } from './render.tsx';

/* A URL names a screen; the access table decides whether the role sees it or is told it may not. */

function renderAt(path: string, role: Role) {
  const user: SessionUser = {
    id: 'c0000000-0000-4000-8000-000000000003',
    email: `${role}@guard.test`,
    name: null,
    role,
    organizationId: 'a0000000-0000-4000-8000-000000000001',
    organizationName: 'Acme',
    mustChangePassword: false,
    secondFactor: false,
    mustEnrollSecondFactor: false,
  };
  renderWithMantine(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter initialEntries={[path]}>
        <SessionProvider me={{ ...user, viewingAs: null }}>
          <ScreenGuard>
            <p>the screen itself</p>
          </ScreenGuard>
        </SessionProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('the screen guard', () => {
  it.each([
    ['/settings', 'Settings'],
    ['/tenancy', 'Tenancy'],
    ['/audit', 'Audit log'],
  ])('tells a user that %s is not for their role, and shows nothing of it', (path, label) => {
    renderAt(path, 'user');
    expect(
      screen.getByRole('heading', { name: `${label} is not available to your role` }),
    ).toBeInTheDocument();
    expect(screen.queryByText('the screen itself')).toBeNull();
  });

  it('guards a detail page as its list: a developer may open an organization', () => {
    renderAt('/organizations/a0000000-0000-4000-8000-000000000001', 'developer');
    expect(screen.getByText('the screen itself')).toBeInTheDocument();
  });

  it('lets a developer read the audit log, which the table grants their organization', () => {
    renderAt('/audit', 'developer');
    expect(screen.getByText('the screen itself')).toBeInTheDocument();
  });

  it('shows an administrator every screen', () => {
    renderAt('/settings', 'admin');
    expect(screen.getByText('the screen itself')).toBeInTheDocument();
  });
});
