// The frame around every screen: the navigation, the notifications bell, sign-out.
import { AppShell, Burger, Group, NavLink, ScrollArea, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { Loading } from '../components/States';
import { NotificationBell } from '../features/notifications';
import { useIsAdmin } from '../lib/role';
import { useSession } from '../lib/session';
import { navigationFor } from './routes';

export function Shell() {
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const { auth } = useSession();
  const isAdmin = useIsAdmin();
  const isActive = (to: string, prefixes: string[] = []) =>
    location.pathname === to || [to, ...prefixes].some((prefix) => location.pathname.startsWith(`${prefix}/`));
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 200, breakpoint: 'md', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label="Toggle navigation" />
            <UnstyledButton component={Link} to="/" aria-label="Stagecraft home">
              <Text fw={700} size="lg">
                Stagecraft
              </Text>
            </UnstyledButton>
          </Group>
          <Group gap="sm">
            <NotificationBell />
            <UnstyledButton onClick={() => void auth.signOut().then(() => window.location.reload())} aria-label="Sign out">
              <Text size="sm" c="dimmed">
                Sign out
              </Text>
            </UnstyledButton>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <ScrollArea>
          {navigationFor(auth.kind, isAdmin).map((entry) => (
            <NavLink
              key={entry.to}
              component={Link}
              to={entry.to}
              label={entry.label}
              leftSection={<span aria-hidden="true">{entry.icon}</span>}
              active={isActive(entry.to, entry.prefixes)}
              onClick={close}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
