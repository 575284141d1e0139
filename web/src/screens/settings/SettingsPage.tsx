import { Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** `/settings/{section}`: the workspace's and the user's settings. */
export default function SettingsPage() {
  const { t } = useTranslation();
  return <Title order={1}>{t('settings.nav')}</Title>;
}
