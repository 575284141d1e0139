import { Alert, Anchor, Button, Group, Paper, Progress, SimpleGrid, Stack, Stepper, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { useSearchParams } from 'react-router';
import { ApiError } from '../../lib/api.ts';
import { useFormat } from '../../lib/format.ts';
import { MappingTable } from './MappingTable.tsx';
import { isRunning, useImport, useImportAction, useUpload, type Import } from './useImport.ts';

const DELIMITERS: Record<string, string> = { ',': ',', ';': ';', '\t': 'tab', '|': '|' };

function stepOf(imp: Import | undefined): number {
  if (!imp) return 0;
  if (imp.status === 'draft') return imp.dryRun ? 2 : 1;
  return 3;
}

function errorText(err: unknown, t: TFunction): string {
  if (err instanceof ApiError) return t('imports.error', { message: err.problem.detail ?? err.problem.title ?? err.problem.code, code: err.problem.code });
  return t('imports.error', { message: String((err as Error)?.message ?? err), code: 'network' });
}

type CountsProps = { counts: Import['counts']; testId: string };
function Counts({ counts, testId }: CountsProps) {
  const { t } = useTranslation();
  const f = useFormat();
  const items = [
    ['created', counts.created], ['updated', counts.updated], ['unchanged', counts.unchanged], ['failed', counts.failed], ['conflict', counts.conflict],
  ] as const;
  return (
    <SimpleGrid cols={{ base: 2, sm: 5 }} data-testid={testId}>
      {items.map(([k, n]) => (
        <Paper key={k} withBorder p="sm" data-count={k}>
          <Text size="xs" c="dark.6">{t(`imports.counts.${k}`)}</Text>
          <Text fw={700} size="xl" c={k === 'failed' && n > 0 ? 'red.8' : undefined}>{f.number(n)}</Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

/** `/import`: upload → mapping with previews → dry run → start with progress → result, errors and undo. */
export default function ImportPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const [params, setParams] = useSearchParams();
  const id = params.get('id');
  const current = useImport(id);
  const imp = id ? current.data : undefined;
  const [file, setFile] = useState<File | null>(null);
  const [confirmUndo, setConfirmUndo] = useState(false);
  const upload = useUpload((created) => setParams({ id: created.id }));
  const action = useImportAction(id ?? '');
  const step = stepOf(imp);
  const busy = action.isPending || upload.isPending;
  const problems = imp?.dryRun?.samples.problems ?? [];

  const total = imp ? (imp.progress.totalRows ?? imp.progress.estimatedRows) : 0;
  const pct = imp ? (imp.status === 'succeeded' || imp.status === 'rolled_back' ? 100 : total > 0 ? Math.min(100, (imp.progress.rowsDone / total) * 100) : 0) : 0;

  return (
    <Stack gap="md" maw={960}>
      <Group justify="space-between">
        <Title order={1} size="h2">{t('imports.title')}</Title>
        {id && (
          <Button variant="default" onClick={() => { setFile(null); setConfirmUndo(false); action.reset(); upload.reset(); setParams({}); }}>
            {t('imports.newImport')}
          </Button>
        )}
      </Group>

      <Stepper active={step} size="sm" allowNextStepsSelect={false} aria-label={t('imports.steps')}>
        <Stepper.Step label={t('imports.step.file')} />
        <Stepper.Step label={t('imports.step.mapping')} />
        <Stepper.Step label={t('imports.step.dryRun')} />
        <Stepper.Step label={t('imports.step.import')} />
      </Stepper>

      {(upload.error || action.error) && <Alert color="red" role="alert">{errorText(upload.error ?? action.error, t)}</Alert>}
      {id && current.isError && <Alert color="red" role="alert">{errorText(current.error, t)}</Alert>}

      {!id && (
        <Paper withBorder p="md">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (file) upload.mutate(file);
            }}
          >
            <Stack gap="sm">
              <label htmlFor="import-file"><Text fw={600}>{t('imports.file')}</Text></label>
              <Text size="sm" c="dark.6" id="import-file-hint">{t('imports.fileHint')}</Text>
              <input
                id="import-file"
                type="file"
                accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values"
                aria-describedby="import-file-hint"
                onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
              />
              <Group><Button type="submit" disabled={!file} loading={upload.isPending}>{t('imports.upload')}</Button></Group>
            </Stack>
          </form>
        </Paper>
      )}

      {imp && (
        <Paper withBorder p="md">
          <Stack gap="xs">
            <Text fw={600}>{imp.fileName}</Text>
            <Text size="sm" data-testid="file-reading">
              {t('imports.reading', { encoding: imp.encoding.toUpperCase(), delimiter: DELIMITERS[imp.delimiter] ?? imp.delimiter, columns: imp.headers.length })}
            </Text>
          </Stack>
        </Paper>
      )}

      {imp && imp.status === 'draft' && (
        <Stack gap="sm">
          <Title order={2} size="h4">{t('imports.step.mapping')}</Title>
          <MappingTable imp={imp} disabled={busy} onChange={(mapping) => action.mutate({ kind: 'mapping', mapping })} />
          <Group>
            <Button onClick={() => action.mutate({ kind: 'dry-run' })} loading={action.isPending && action.variables?.kind === 'dry-run'} disabled={busy}>
              {t('imports.runDry')}
            </Button>
          </Group>
        </Stack>
      )}

      {imp && imp.status === 'draft' && imp.dryRun && (
        <Stack gap="sm" data-testid="dry-run">
          <Title order={2} size="h4">{t('imports.step.dryRun')}</Title>
          <Text size="sm">{t('imports.dryRunRows', { count: imp.dryRun.rows, n: f.number(imp.dryRun.rows) })}</Text>
          <Counts counts={imp.dryRun.counts} testId="dry-run-counts" />
          {problems.length > 0 && (
            <Table.ScrollContainer minWidth={560}>
              <Title order={3} size="h5" id="dry-run-problems-title">{t('imports.problems')}</Title>
              <Table data-testid="dry-run-problems" aria-labelledby="dry-run-problems-title">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('imports.row')}</Table.Th>
                    <Table.Th scope="col">{t('imports.line')}</Table.Th>
                    <Table.Th scope="col">{t('imports.column')}</Table.Th>
                    <Table.Th scope="col">{t('imports.message')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {problems.slice(0, 50).map((p, i) => (
                    <Table.Tr key={`${p.row}-${i}`}>
                      <Table.Td>{p.row}</Table.Td>
                      <Table.Td>{p.line}</Table.Td>
                      <Table.Td>{p.column ?? '—'}</Table.Td>
                      <Table.Td>{p.message}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Group>
            <Button onClick={() => action.mutate({ kind: 'start' })} loading={action.isPending && action.variables?.kind === 'start'} disabled={busy}>
              {t('imports.start')}
            </Button>
          </Group>
        </Stack>
      )}

      {imp && imp.status !== 'draft' && (
        <Stack gap="sm" data-testid="import-result">
          <Title order={2} size="h4">{t(`imports.status.${imp.status}`)}</Title>
          <Progress value={pct} size="lg" aria-label={t('imports.progressLabel')} animated={isRunning(imp)} data-testid="import-progress" />
          <Text size="sm" aria-live="polite" data-testid="progress-text">
            {t('imports.progress', { done: f.number(imp.progress.rowsDone), total: f.number(total) })}
            {isRunning(imp) && imp.progress.rowsPerSecond !== null ? ` · ${t('imports.rate', { n: f.number(Math.round(imp.progress.rowsPerSecond)) })}` : ''}
            {isRunning(imp) && imp.progress.etaSeconds !== null ? ` · ${t('imports.eta', { time: f.duration(imp.progress.etaSeconds) })}` : ''}
          </Text>
          {!isRunning(imp) && <Counts counts={imp.counts} testId="import-counts" />}
          {imp.error && <Alert color="red" role="alert">{imp.error.message}</Alert>}
          <Group>
            {imp.errorsCsv && !isRunning(imp) && (
              <Anchor href={imp.errorsCsv} download data-testid="errors-link">{t('imports.downloadErrors')}</Anchor>
            )}
            {imp.status === 'succeeded' && !imp.rollback && !confirmUndo && (
              <Button color="red" variant="light" onClick={() => setConfirmUndo(true)}>{t('imports.undo')}</Button>
            )}
          </Group>
          {confirmUndo && imp.status === 'succeeded' && !imp.rollback && (
            <Alert color="orange" title={t('imports.undoTitle')}>
              <Stack gap="xs">
                <Text size="sm">{t('imports.undoPreview', { created: f.number(imp.counts.created), updated: f.number(imp.counts.updated) })}</Text>
                <Group>
                  <Button color="red" onClick={() => action.mutate({ kind: 'rollback' }, { onSettled: () => setConfirmUndo(false) })} loading={action.isPending}>
                    {t('imports.undoConfirm')}
                  </Button>
                  <Button variant="default" onClick={() => setConfirmUndo(false)}>{t('common.cancel')}</Button>
                </Group>
              </Stack>
            </Alert>
          )}
          {imp.rollback && (
            <Alert color="blue" role="status" data-testid="rollback-result">
              {t('imports.undone', { removed: f.number(imp.rollback.removed), restored: f.number(imp.rollback.restored), refused: f.number(imp.rollback.refused) })}
            </Alert>
          )}
        </Stack>
      )}
    </Stack>
  );
}
