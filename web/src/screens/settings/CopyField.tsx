import { ActionIcon, CopyButton, TextInput, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A read-only value with a copy button (a secret shown once, an invite link, a webhook URL). */
export function CopyField({ label, value, description, testId }: { label: string; value: string; description?: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <TextInput
      label={label}
      description={description}
      value={value}
      readOnly
      data-testid={testId}
      onFocus={(e) => e.currentTarget.select()}
      styles={{ input: { fontFamily: 'ui-monospace, monospace' } }}
      rightSectionWidth={44}
      rightSection={
        <CopyButton value={value} timeout={2000}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? t('settings.copied') : t('settings.copy')} withArrow>
              <ActionIcon variant="subtle" onClick={copy} aria-label={copied ? t('settings.copied') : t('settings.copyWhat', { what: label })} size="lg">
                <span aria-hidden="true">{copied ? '✓' : '⧉'}</span>
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      }
    />
  );
}
