import { AppShell, Burger, Group, Menu, NavLink, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { adoptWorkspaceLocale, setLanguage } from '../i18n/i18n.ts';
import { useSignedIn, useSession } from '../lib/session.tsx';
import { NotificationsBell } from './notifications/NotificationsBell.tsx';
import { CommandPalette } from './palette/CommandPalette.tsx';
import { LiveConnection } from '../lib/live/LiveConnection.tsx';

/** Nav, top bar with the user menu, and the page (`main`, target of the skip link). */
export function Shell() {
  const { t, i18n } = useTranslation();
  const { user, workspace } = useSignedIn();
  const { signOut } = useSession();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const navigate = useNavigate();

  useEffect(() => adoptWorkspaceLocale(workspace.locale), [workspace.locale]);
  useEffect(close, [location.pathname, close]);

  const links = [
    { to: '/inbox', label: t('app.inbox') },
    { to: '/contacts', label: t('app.contacts') },
    { to: '/playbooks', label: t('board.nav') },
    { to: '/import', label: t('imports.nav') },
    { to: '/settings', label: t('settings.nav') },
  ];

  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a href="#main" className="skip-link">{t('app.skip')}</a>
      <LiveConnection />
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('app.nav')} />
            <Text fw={700} size="lg">{t('app.name')}</Text>
            <Text size="sm" c="dark.6" visibleFrom="xs">{workspace.name}</Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
          <CommandPalette />
          <NotificationsBell />
          <Menu position="bottom-end">
            <Menu.Target>
              <UnstyledButton aria-label={t('app.userMenu', { name: user.name || user.email })} p={6}>
                <Text size="sm" fw={500}>{user.name || user.email}</Text>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{t('app.language')}</Menu.Label>
              <Menu.Item onClick={() => setLanguage('es')} aria-current={i18n.language === 'es'}>Español</Menu.Item>
              <Menu.Item onClick={() => setLanguage('en')} aria-current={i18n.language === 'en'}>English</Menu.Item>
              <Menu.Divider />
              <Menu.Item onClick={() => void signOut().then(() => navigate('/sign-in'))}>{t('app.signOut')}</Menu.Item>
            </Menu.Dropdown>
          </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t('app.nav')}>
        {links.map((l) => (
          <NavLink key={l.to} component={Link} to={l.to} label={l.label} variant="filled" active={location.pathname.startsWith(l.to)} aria-current={location.pathname.startsWith(l.to) ? 'page' : undefined} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
