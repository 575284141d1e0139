import { Alert, Button, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact } from '../../../lib/api.ts';
import { displayName } from '../../../lib/format.ts';
import { useContactSearch } from '../../../shell/palette/useContactSearch.ts';

/** Step 1 of the merge: find the duplicate with the palette's search (name, email, phone). */
export function DuplicateSearch({ contact, onPick }: { contact: Contact; onPick(other: Contact): void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const { hits, searching, failed, q } = useContactSearch(text);
  const others = hits.filter((h) => h.id !== contact.id);
  return (
    <Stack gap="sm">
      <TextInput
        label={t('contactActions.mergeDialog.search')}
        placeholder={t('contactActions.mergeDialog.searchPlaceholder')}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        data-autofocus
      />
      <div aria-live="polite">
        {searching && q && <Text size="sm" c="dark.6">{t('contactActions.mergeDialog.searching')}</Text>}
        {failed && <Alert color="red" role="alert">{t('contactActions.mergeDialog.searchFailed')}</Alert>}
        {!searching && q && others.length === 0 && !failed && <Text size="sm">{t('contactActions.mergeDialog.noResults', { q })}</Text>}
      </div>
      {others.length > 0 && (
        <Stack component="ul" gap={4} p={0} m={0} aria-label={t('contactActions.mergeDialog.results')} style={{ listStyle: 'none' }}>
          {others.map((h) => {
            const name = displayName(h, t('inbox.nameless'));
            return (
              <li key={h.id}>
                <Button variant="default" fullWidth justify="space-between" h="auto" py={6} onClick={() => onPick(h)} aria-label={t('contactActions.mergeDialog.choose', { name })}>
                  <Stack gap={0} align="flex-start">
                    <Text fw={500} size="sm">{name}</Text>
                    <Text size="xs" c="dark.6">{[h.email, h.phone, h.company].filter(Boolean).join(' · ')}</Text>
                  </Stack>
                </Button>
              </li>
            );
          })}
        </Stack>
      )}
    </Stack>
  );
}
