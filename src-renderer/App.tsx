import { Alert, Button, Center, Stack } from '@mantine/core';
import { Navigate, Route, Routes } from 'react-router';
import { FirstRunPage } from './auth/FirstRunPage.tsx';
import { SessionProvider, useAuthState } from './auth/session.tsx';
import { SignInPage } from './auth/SignInPage.tsx';
import { AgentDetailPage } from './features/agents/AgentDetailPage.tsx';
import { AgentsPage } from './features/agents/AgentsPage.tsx';
import { AuditPage } from './features/audit/AuditPage.tsx';
import { OrganizationDetailPage } from './features/organizations/OrganizationDetailPage.tsx';
import { OrganizationsPage } from './features/organizations/OrganizationsPage.tsx';
import { SettingsPage } from './features/settings/SettingsPage.tsx';
import { SkillsPage } from './features/skills/SkillsPage.tsx';
import { TenancyPage } from './features/tenancy/TenancyPage.tsx';
import { UsersPage } from './features/users/UsersPage.tsx';
import { AppLayout } from './layout/AppLayout.tsx';
import { StartupScreen } from './layout/StartupScreen.tsx';

/** Start-up, then first run or sign-in, then the console. */
export function App() {
  const { me, firstRun } = useAuthState();
  if (me.isLoading || (me.data === null && firstRun.isLoading)) return <StartupScreen />;
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
  return (
    <SessionProvider user={me.data}>
      <Routes>
        <Route element={<AppLayout />}>
          <Route path="/organizations" element={<OrganizationsPage />} />
          <Route path="/organizations/:id" element={<OrganizationDetailPage />} />
          <Route path="/users" element={<UsersPage />} />
          <Route path="/agents" element={<AgentsPage />} />
          <Route path="/agents/:organizationId/:id" element={<AgentDetailPage />} />
          <Route path="/skills" element={<SkillsPage />} />
          <Route path="/tenancy" element={<TenancyPage />} />
          <Route path="/audit" element={<AuditPage />} />
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="*" element={<Navigate to="/organizations" replace />} />
        </Route>
      </Routes>
    </SessionProvider>
  );
}
