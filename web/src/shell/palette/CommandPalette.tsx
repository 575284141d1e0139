import { Group, Kbd, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useDisclosure, useHotkeys } from '@mantine/hooks';
import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useRecordRecentContacts } from './recents.ts';

const load = () => import('./PaletteModal.tsx');
const PaletteModal = lazy(load);

/**
 * The top bar's search field and the palette it opens (also with Ctrl K / ⌘ K, anywhere, text
 * fields included: it is no single-key shortcut). The modal's code loads when the browser is idle
 * after the first paint, so the first open is instant without weighing on the first load.
 */
export function CommandPalette() {
  const { t } = useTranslation();
  const [opened, { open, close }] = useDisclosure(false);
  useRecordRecentContacts();
  useHotkeys([['mod+K', open]], []);
  useEffect(() => {
    const idle = window.requestIdleCallback ?? ((fn: () => void) => window.setTimeout(fn, 1500));
    idle(() => void load());
  }, []);

  return (
    <>
      <UnstyledButton onClick={open} aria-haspopup="dialog" aria-keyshortcuts="Control+K Meta+K" className="palette-trigger" data-testid="palette-trigger"
        style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 'var(--mantine-radius-md)', padding: '4px 10px', minWidth: 0 }}>
        <Group gap="sm" wrap="nowrap">
          <Text size="sm" c="dark.6" truncate visibleFrom="sm">{t('palette.trigger')}</Text>
          {/* The name comes from the visible text (so it matches what a speech user says); on a phone only the icon shows. */}
          <Text size="sm" c="dark.6" hiddenFrom="sm" aria-hidden>⌕</Text>
          <VisuallyHidden hiddenFrom="sm">{t('palette.trigger')}</VisuallyHidden>
          <Kbd size="xs" visibleFrom="sm">{t('palette.shortcut')}</Kbd>
        </Group>
      </UnstyledButton>
      {opened && (
        <Suspense fallback={null}>
          <PaletteModal opened={opened} onClose={close} />
        </Suspense>
      )}
    </>
  );
}
