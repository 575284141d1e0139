import { Alert, Box, Group, NavLink, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router';
import { useSignedIn } from '../../lib/session.tsx';
import { ApiKeysSection } from './ApiKeysSection.tsx';
import { AttributesSection } from './attributes/AttributesSection.tsx';
import { IntegrationsSection } from './integrations/IntegrationsSection.tsx';
import { PlaybooksSection } from './playbooks/PlaybooksSection.tsx';
import { ProfileSection } from './ProfileSection.tsx';
import { TeamSection } from './TeamSection.tsx';
import { WorkspaceSection } from './WorkspaceSection.tsx';
import './settings.css';

/** `label`: the nav's i18n key when it is not `settings.section.{path}` (a section with its own bundle). */
type Section = { path: string; admin: boolean; element: React.ReactNode; label?: string };

/** Personal sections first; the workspace's only for admins and owners (ui.md §2.7). */
const SECTIONS: Section[] = [
  { path: 'profile', admin: false, element: <ProfileSection /> },
  { path: 'workspace', admin: true, element: <WorkspaceSection /> },
  { path: 'team', admin: true, element: <TeamSection /> },
  { path: 'attributes', admin: true, element: <AttributesSection /> },
  { path: 'playbooks', admin: true, element: <PlaybooksSection />, label: 'playbookSettings.nav' },
  { path: 'integrations', admin: true, element: <IntegrationsSection /> },
  { path: 'api-keys', admin: true, element: <ApiKeysSection /> },
];

function Forbidden() {
  const { t } = useTranslation();
  return <Alert color="yellow" role="alert">{t('common.forbidden')}</Alert>;
}

/** `/settings/{section}`: a sub-nav of the sections this user may see, and the open one. */
export default function SettingsPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const location = useLocation();
  const isAdmin = user.role === 'admin' || user.role === 'owner';
  const visible = SECTIONS.filter((s) => isAdmin || !s.admin);

  return (
    <Stack className="settings-page">
      <Title order={1}>{t('settings.nav')}</Title>
      <Group align="flex-start" wrap="nowrap" gap="xl">
        <Box component="nav" aria-label={t('settings.sections')} w={220} style={{ flexShrink: 0 }}>
          {visible.map((s) => {
            const to = `/settings/${s.path}`;
            const active = location.pathname === to || location.pathname.startsWith(`${to}/`);
            return <NavLink key={s.path} component={Link} to={to} label={t(s.label ?? `settings.section.${s.path}`)} active={active} aria-current={active ? 'page' : undefined} />;
          })}
        </Box>
        <Box style={{ flex: 1, minWidth: 0 }}>
          <Routes>
            <Route index element={<Navigate to="profile" replace />} />
            {SECTIONS.map((s) => (
              <Route key={s.path} path={`${s.path}/*`} element={!s.admin || isAdmin ? s.element : <Forbidden />} />
            ))}
            <Route path="*" element={<Navigate to="profile" replace />} />
          </Routes>
        </Box>
      </Group>
    </Stack>
  );
}
