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
                <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
                  {copied ? <path d="M5 12l5 5L20 7" /> : <><rect x="9" y="9" width="12" height="12" rx="2" /><path d="M5 15V5a2 2 0 0 1 2-2h10" /></>}
                </svg>
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      }
    />
  );
}
