import { Combobox, Group, Loader, Modal, ScrollArea, Stack, Text, TextInput, useCombobox } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { Contact } from '../../lib/api.ts';
import { displayName } from '../../lib/format.ts';
import { rememberContact, useRecentContacts } from './recents.ts';
import { useContactSearch } from './useContactSearch.ts';

type Action = { value: string; label: string; to: string };

/** Lower case without accents, so "nunez" finds "Núñez" among the actions as the API does among contacts. */
const fold = (s: string) => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();

function useActions(): Action[] {
  const { t } = useTranslation();
  return useMemo(
    () => [
      { value: 'action:new-contact', label: t('palette.newContact'), to: '/contacts?new=1' },
      { value: 'action:import', label: t('palette.importCsv'), to: '/import' },
      { value: 'action:go-inbox', label: t('palette.goTo', { place: t('app.inbox') }), to: '/inbox' },
      { value: 'action:go-contacts', label: t('palette.goTo', { place: t('app.contacts') }), to: '/contacts' },
      { value: 'action:go-playbooks', label: t('palette.goTo', { place: t('board.nav') }), to: '/playbooks' },
      { value: 'action:go-settings', label: t('palette.goTo', { place: t('settings.nav') }), to: '/settings' },
    ],
    [t],
  );
}

/**
 * The command palette: one box for contacts (the search API), actions and recently opened
 * contacts. Built on Modal and Combobox (Spotlight has no release for Mantine 9.8): arrows move,
 * Enter opens, Ctrl/⌘ Enter opens a contact in a new tab, Esc closes.
 */
export default function PaletteModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const newTab = useRef(false);
  const combobox = useCombobox({ opened: true });
  const search = useContactSearch(text);
  const recents = useRecentContacts();
  const actions = useActions();
  const typed = fold(text.trim());
  const shownActions = typed ? actions.filter((a) => fold(a.label).includes(typed)) : actions;
  const hits: Contact[] = search.hits;
  const paths = new Map<string, string>([
    ...hits.map((c) => [`contact:${c.id}`, `/contacts/${c.id}`] as const),
    ...recents.map((r) => [`recent:${r.id}`, `/contacts/${r.id}`] as const),
    ...shownActions.map((a) => [a.value, a.to] as const),
  ]);
  const optionKeys = [...paths.keys()].join('|');

  // The first option is always the one Enter opens.
  useEffect(() => {
    if (opened) combobox.selectFirstOption();
  }, [opened, optionKeys, combobox]);
  useEffect(() => {
    if (!opened) setText('');
  }, [opened]);

  const submit = (value: string) => {
    const to = paths.get(value);
    if (!to) return;
    const [kind, id] = value.split(':') as [string, string];
    if (kind === 'contact') {
      const hit = hits.find((c) => c.id === id);
      rememberContact(id, hit ? displayName(hit, '') : undefined);
    }
    if (newTab.current && kind !== 'action') window.open(to, '_blank', 'noopener');
    else navigate(to);
    onClose();
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t('palette.title')} size="lg" yOffset="10vh" padding="md" closeButtonProps={{ 'aria-label': t('palette.close') }}>
      <Combobox store={combobox} onOptionSubmit={submit} styles={{ groupLabel: { color: 'var(--mantine-color-dark-7)' } }}>
        <Combobox.EventsTarget withExpandedAttribute>
          <TextInput
            data-autofocus
            role="combobox"
            aria-autocomplete="list"
            aria-label={t('palette.title')}
            placeholder={t('palette.placeholder')}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            rightSection={search.searching && text.trim() ? <Loader size="xs" role="status" aria-label={t('palette.searching')} /> : null}
            onKeyDown={(e) => {
              newTab.current = e.ctrlKey || e.metaKey;
              if (e.key === 'Escape') onClose();
            }}
            data-testid="palette-input"
          />
        </Combobox.EventsTarget>
        <ScrollArea.Autosize mah="55vh" mt="sm" type="scroll">
          <Combobox.Options aria-label={t('palette.title')}>
            {typed && (
              <Combobox.Group label={t('palette.contacts')}>
                {hits.map((c) => (
                  <Combobox.Option key={c.id} value={`contact:${c.id}`}>
                    <Group justify="space-between" wrap="nowrap" gap="xs">
                      <Stack gap={0} style={{ minWidth: 0 }}>
                        <Text size="sm" fw={500} truncate>{displayName(c, '—')}</Text>
                        <Text size="xs" truncate>{[c.email, c.phone].filter(Boolean).join(' · ')}</Text>
                      </Stack>
                      <Group gap={4} wrap="nowrap">
                        {c.pendingAttention.reasons.length > 0 && <Text size="xs" title={t('palette.pending')}>● <span className="visually-hidden">{t('palette.pending')}</span></Text>}
                        {c.ownerId && <Text size="xs" title={t('palette.owned')}>◉ <span className="visually-hidden">{t('palette.owned')}</span></Text>}
                      </Group>
                    </Group>
                  </Combobox.Option>
                ))}
                {!search.searching && hits.length === 0 && <Combobox.Empty>{search.failed ? t('palette.searchFailed') : t('palette.noResults', { q: text.trim() })}</Combobox.Empty>}
              </Combobox.Group>
            )}
            {!typed && recents.length > 0 && (
              <Combobox.Group label={t('palette.recent')}>
                {recents.map((r) => (
                  <Combobox.Option key={r.id} value={`recent:${r.id}`}>
                    <Text size="sm">{r.name || r.id}</Text>
                  </Combobox.Option>
                ))}
              </Combobox.Group>
            )}
            {shownActions.length > 0 && (
              <Combobox.Group label={t('palette.actions')}>
                {shownActions.map((a) => (
                  <Combobox.Option key={a.value} value={a.value}>
                    <Text size="sm">{a.label}</Text>
                  </Combobox.Option>
                ))}
              </Combobox.Group>
            )}
          </Combobox.Options>
        </ScrollArea.Autosize>
      </Combobox>
      <Text size="xs" c="dark.7" mt="sm" ta="right">{t('palette.hint')}</Text>
    </Modal>
  );
}
