// A record's runs: on every record page, the automation runs about it, newest first.
import { Anchor, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { EmptyState, ErrorState, Loading } from '../../../components/States';
import { paths } from '../../../lib/paths';
import { useRunLog } from '../api/runs';
import type { RecordType } from '../model/run-filters';
import { RunStatusBadge, useAutomationIndex } from './RunLog';
import { useReadableSummary } from './RunSummary';

export function RecordRuns({ entityType, entityId }: { entityType: RecordType; entityId: string }) {
  const automations = useAutomationIndex();
  const log = useRunLog({ entityType, entityId }, automations.data?.map((automation) => automation.id));
  const names = new Map((automations.data ?? []).map((automation) => [automation.id, automation.name]));
  const readable = useReadableSummary();
  const runs = log.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Stack gap="xs" component="section" aria-label="Automation runs">
      <Title order={4}>Automation runs</Title>
      {log.isPending ? (
        <Loading label="Loading runs…" />
      ) : log.isError ? (
        <ErrorState error={log.error} onRetry={() => void log.refetch()} />
      ) : runs.length === 0 ? (
        <EmptyState title="No automation ran on this record" />
      ) : (
        // A side column of the record page: three columns (the start under the automation's name), scrolling
        // inside the column rather than widening the page when it is narrower still.
        <Table.ScrollContainer minWidth={340}>
          <Table aria-label="Automation runs of this record" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Status</Table.Th>
                <Table.Th>Automation</Table.Th>
                <Table.Th>Outcome</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {runs.map((run) => (
                <Table.Tr key={`${run.automationId}/${run.runId}`}>
                  <Table.Td w={1}>
                    <Anchor component={Link} to={paths.run(run.automationId, run.runId)} aria-label={`Run ${run.runId} ${run.status}`}>
                      <RunStatusBadge status={run.status} />
                    </Anchor>
                  </Table.Td>
                  <Table.Td miw={140}>
                    <Anchor component={Link} to={paths.automation(run.automationId)} size="sm">
                      {names.get(run.automationId) ?? run.automationId}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {new Date(run.startedAt).toLocaleString()}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                      {readable(run.summary ?? run.error ?? run.reason ?? `${run.actionsCompleted} / ${run.actionsTotal} actions`)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Anchor component={Link} to={`${paths.runs}?entityType=${entityType}&entityId=${encodeURIComponent(entityId)}`} size="sm">
        All runs of this record
      </Anchor>
    </Stack>
  );
}
