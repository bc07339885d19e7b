import { Alert, Button, Center, Stack } from '@mantine/core';
import { lazy, type ComponentType } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { ChoosePasswordPage } from './auth/ChoosePasswordPage.tsx';
import { EnrollSecondFactorPage } from './auth/EnrollSecondFactorPage.tsx';
import { SecondFactorPage } from './auth/SecondFactorPage.tsx';
import { FirstRunPage } from './auth/FirstRunPage.tsx';
import { SessionProvider, useAuthState } from './auth/session.tsx';
import { SignInPage } from './auth/SignInPage.tsx';
import { AppLayout } from './layout/AppLayout.tsx';
import { StartupScreen } from './layout/StartupScreen.tsx';

/**
 * A screen loaded on first visit: the sign-in screen then paints without
 * parsing every screen's code (charts, drag and drop) first.
 */
function screen<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy<ComponentType>(async () => ({ default: (await load())[name] }));
}

const AgentDetailPage = screen(
  () => import('./features/agents/AgentDetailPage.tsx'),
  'AgentDetailPage',
);
const FleetPage = screen(() => import('./features/fleet/FleetPage.tsx'), 'FleetPage');
const AgentsPage = screen(() => import('./features/agents/AgentsPage.tsx'), 'AgentsPage');
const AuditPage = screen(() => import('./features/audit/AuditPage.tsx'), 'AuditPage');
const OrganizationDetailPage = screen(
  () => import('./features/organizations/OrganizationDetailPage.tsx'),
  'OrganizationDetailPage',
);
const OrganizationsPage = screen(
  () => import('./features/organizations/OrganizationsPage.tsx'),
  'OrganizationsPage',
);
const SessionsPage = screen(() => import('./features/sessions/SessionsPage.tsx'), 'SessionsPage');
const SettingsPage = screen(() => import('./features/settings/SettingsPage.tsx'), 'SettingsPage');
const SkillsPage = screen(() => import('./features/skills/SkillsPage.tsx'), 'SkillsPage');
const TenancyPage = screen(() => import('./features/tenancy/TenancyPage.tsx'), 'TenancyPage');
const StructurePage = screen(() => import('./features/tenancy/StructurePage.tsx'), 'StructurePage');
const UsersPage = screen(() => import('./features/users/UsersPage.tsx'), 'UsersPage');

/** Start-up, then first run or sign-in, then the console. */
export function App() {
  const { me, firstRun } = useAuthState();
  if (me.isLoading || (me.data === null && firstRun.isLoading)) return <StartupScreen />;
  // the password was right; the session waits for the second factor's code
  if (me.error?.code === 'SECOND_FACTOR_REQUIRED') return <SecondFactorPage />;
  if (me.error) {
    return (
      <Center mih="100vh">
        <Stack align="center">
          <Alert color="red" title="The console could not start" maw={480}>
            {me.error.message}
          </Alert>
          <Button onClick={() => me.refetch()}>Try again</Button>
        </Stack>
      </Center>
    );
  }
  if (!me.data) return firstRun.data ? <FirstRunPage /> : <SignInPage />;
  if (me.data.mustChangePassword) return <ChoosePasswordPage user={me.data} />;
  if (me.data.mustEnrollSecondFactor) return <EnrollSecondFactorPage user={me.data} />;
  return (
    <SessionProvider me={me.data}>
      <Routes>
        <Route element={<AppLayout />}>
          <Route path="/fleet" element={<FleetPage />} />
          <Route path="/organizations" element={<OrganizationsPage />} />
          <Route path="/organizations/:id" element={<OrganizationDetailPage />} />
          <Route path="/users" element={<UsersPage />} />
          <Route path="/agents" element={<AgentsPage />} />
          <Route path="/agents/:organizationId/:id" element={<AgentDetailPage />} />
          <Route path="/skills" element={<SkillsPage />} />
          <Route path="/tenancy" element={<TenancyPage />} />
          <Route path="/tenancy/structure" element={<StructurePage />} />
          <Route path="/audit" element={<AuditPage />} />
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="/sessions" element={<SessionsPage />} />
          <Route path="*" element={<Navigate to="/fleet" replace />} />
        </Route>
      </Routes>
    </SessionProvider>
  );
}
