// A record's runs: on every record page, the automation runs about it, newest first.
import { Anchor, Stack, Table, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef } from 'react';
import { Link } from 'react-router';
import { EmptyState, ErrorState, Loading } from '../../../components/States';
import { paths } from '../../../lib/paths';
import { type Run, useRunLog } from '../api/runs';
import type { RecordType } from '../model/run-filters';
import { RunStatusBadge, useAutomationIndex } from './RunLog';
import { useReadableSummary } from './RunSummary';

/** How often a record page looks for runs started elsewhere (a move on the board, an integration's write). */
const RECORD_RUNS_EVERY_MS = 15_000;

/**
 * When a run of this record ends, what it wrote is read again: the record, its history, activities and documents
 * (every query about the record names its id).
 */
function useRefreshOnRunEnd(entityId: string, runs: Run[]) {
  const queryClient = useQueryClient();
  const open = useRef(new Set<string>());
  useEffect(() => {
    const ended = runs.filter((run) => open.current.has(run.runId) && run.status !== 'RUNNING');
    open.current = new Set(runs.filter((run) => run.status === 'RUNNING').map((run) => run.runId));
    if (ended.length > 0) void queryClient.invalidateQueries({ predicate: (query) => query.queryKey.includes(entityId) && query.queryKey[0] !== 'runs' });
  }, [runs, entityId, queryClient]);
}

export function RecordRuns({ entityType, entityId }: { entityType: RecordType; entityId: string }) {
  const automations = useAutomationIndex();
  const log = useRunLog({ entityType, entityId }, automations.data?.map((automation) => automation.id), { everyMs: RECORD_RUNS_EVERY_MS });
  const names = new Map((automations.data ?? []).map((automation) => [automation.id, automation.name]));
  const readable = useReadableSummary();
  const runs = useMemo(() => log.data?.pages.flatMap((page) => page.items) ?? [], [log.data]);
  useRefreshOnRunEnd(entityId, runs);
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
