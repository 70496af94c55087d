// An automation's last 7 days in the list: runs per status, and its last run.
import { Anchor, Badge, Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { paths } from '../../../lib/paths';
import type { Page } from '../../../lib/records';
import { useApi } from '../../../lib/session';
import { useWorkspaceNow } from '../../../lib/workspace-clock';
import { type Run, useRunCounts } from '../api/runs';
import { lastDays, logStatuses } from '../model/run-filters';
import { statusColors } from './RunLog';

export function RecentRuns({ automationId }: { automationId: string }) {
  const api = useApi();
  // The last 7 days of the workspace's clock (local mode's may have been moved on), fixed once read, so the counts'
  // key stays put between renders.
  const now = useWorkspaceNow();
  const nowMs = now?.getTime();
  const window = useMemo(() => lastDays(7, nowMs === undefined ? new Date() : new Date(nowMs)), [nowMs]);
  const counts = useRunCounts([automationId], window, { enabled: nowMs !== undefined });
  const last = useQuery({
    queryKey: ['runs', 'last', automationId],
    queryFn: () => api.request<Page<Run>>(`/automations/${encodeURIComponent(automationId)}/runs`, { query: { limit: 1 } }),
  });
  const lastRun = last.data?.items[0];
  const nonZero = logStatuses.filter((status) => (counts.data?.[status] ?? 0) > 0);
  return (
    <Group gap={4} wrap="wrap">
      {counts.data === undefined ? null : nonZero.length === 0 ? (
        <Text size="xs" c="dimmed">
          no runs in 7 days
        </Text>
      ) : (
        nonZero.map((status) => (
          <Anchor key={status} component={Link} to={`${paths.automation(automationId)}/runs?status=${status}&from=${window.from.slice(0, 10)}`}>
            <Badge size="sm" variant="light" color={statusColors[status]}>
              {counts.data?.[status]} {status.toLowerCase()}
            </Badge>
          </Anchor>
        ))
      )}
      {lastRun ? (
        <Text size="xs" c="dimmed">
          last:{' '}
          <Anchor component={Link} to={paths.run(automationId, lastRun.runId)} size="xs">
            {new Date(lastRun.startedAt).toLocaleString()} {lastRun.status.toLowerCase()}
          </Anchor>
        </Text>
      ) : null}
    </Group>
  );
}
