// Status & logs: the filters (kept in the address bar), a count per status for the range, and the runs,
// newest first, paged. Used across automations (/runs) and on one automation's page.
import { Alert, Anchor, Badge, Button, Group, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { EmptyState, ErrorState, Loading } from '../../../components/States';
import { describeError } from '../../../lib/api';
import { paths } from '../../../lib/paths';
import { triggerLabel } from '../../../lib/triggers';
import { useIsAdmin } from '../../../lib/role';
import { RecordName } from '../../../lib/record-names';
import type { Page } from '../../../lib/records';
import { useApi } from '../../../lib/session';
import { type Run, useRedrive, useRunCounts, useRunLog } from '../api/runs';
import { type RunFilters, applicableFilters, boundInstant, logStatuses, parseRunFilters, recordTypeMissing, recordTypes, runFiltersToSearch } from '../model/run-filters';
import { useReadableSummary } from './RunSummary';

export const statusColors: Record<string, string> = {
  RUNNING: 'blue',
  WAITING: 'yellow',
  SUCCEEDED: 'green',
  FAILED: 'red',
  SKIPPED: 'gray',
  CANCELLED: 'dark',
  LOOP_STOPPED: 'orange',
};

/** A run's status, always in full: a table squeezing its column must not cut it to "SU…" or to an empty blob. */
export function RunStatusBadge({ status }: { status: string }) {
  return (
    <Badge color={statusColors[status] ?? 'gray'} variant="light" miw="max-content" style={{ overflow: 'visible' }}>
      {status}
    </Badge>
  );
}

interface AutomationName {
  id: string;
  name: string;
  trigger?: { type: string };
}

/** The automations' names and ids, for the filter and the fallback of the log across automations. */
export function useAutomationIndex() {
  const api = useApi();
  return useQuery({
    queryKey: ['automations', 'index'],
    queryFn: async () => {
      const all: AutomationName[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.request<Page<AutomationName>>('/automations', { query: { limit: 100, cursor } });
        all.push(...page.items);
        cursor = page.cursor;
      } while (cursor);
      return all;
    },
    staleTime: 30_000,
  });
}

const time = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : '');

/** A run's record by its name, linked to it. `label` is what the screen knows already; without one the record is read, once, cached. */
export function RecordLink({ type, id, label }: { type: string; id: string; label?: string | undefined }) {
  return <RecordName type={type} id={id} label={label} />;
}

/**
 * A listed run's record by its name: read once per record and cached, so a page of runs about a few deals asks
 * for each deal once (a deleted one shows as deleted).
 */
export function RunRecordLink({ run }: { run: Run }) {
  return <RecordLink type={run.entityType} id={run.entityId} />;
}

function RunRow({ run, automationName, showAutomation, readable }: { run: Run; automationName?: string | undefined; showAutomation: boolean; readable: (text: string) => string }) {
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={paths.run(run.automationId, run.runId)} aria-label={`Run ${run.runId} ${run.status}`}>
          <RunStatusBadge status={run.status} />
        </Anchor>
      </Table.Td>
      {showAutomation ? (
        <Table.Td>
          <Anchor component={Link} to={paths.automation(run.automationId)}>
            {automationName ?? run.automationId}
          </Anchor>
        </Table.Td>
      ) : null}
      <Table.Td>{time(run.startedAt)}</Table.Td>
      <Table.Td>{time(run.endedAt)}</Table.Td>
      <Table.Td>
        <RunRecordLink run={run} />
      </Table.Td>
      <Table.Td>{run.trigger ? triggerLabel(run.trigger) : ''}</Table.Td>
      <Table.Td>
        {run.actionsCompleted} / {run.actionsTotal}
      </Table.Td>
      <Table.Td>{run.status === 'WAITING' ? <span aria-label="Due">{time(run.dueAt)}</span> : null}</Table.Td>
      <Table.Td>
        <Text size="xs" c={run.status === 'FAILED' ? 'red' : 'dimmed'} lineClamp={2}>
          {readable(run.summary ?? run.error ?? run.reason ?? '')}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

/** Redrives every FAILED run of the automation in the range shown (the whole log when no range is set). */
function RedriveWindow({ automationId, filters, failed }: { automationId: string; filters: RunFilters; failed: number }) {
  const redrive = useRedrive();
  const from = filters.from ? boundInstant(filters.from, 'from') : '2000-01-01T00:00:00.000Z';
  const to = filters.to ? boundInstant(filters.to, 'to') : new Date(Date.now() + 366 * 86_400_000).toISOString();
  return (
    <Group gap="xs">
      <Button color="red" variant="light" loading={redrive.isPending} onClick={() => redrive.mutate({ automationId, from, to })}>
        Redrive {failed} failed run{failed === 1 ? '' : 's'} of this range
      </Button>
      {redrive.isSuccess ? <Text size="sm">Redriven: {redrive.data.redriven.length}</Text> : null}
      {redrive.isError ? (
        <Text size="sm" c="red">
          {describeError(redrive.error)}
        </Text>
      ) : null}
    </Group>
  );
}

/** The log; `fixed` filters (an automation's page fixes automationId) are not offered as inputs. */
export function RunLog({ fixed = {} }: { fixed?: RunFilters }) {
  const [search, setSearch] = useSearchParams();
  const parsed = parseRunFilters(search);
  const filters: RunFilters = { ...parsed.filters, ...fixed };
  const isAdmin = useIsAdmin();
  const automations = useAutomationIndex();
  const automationIds = filters.automationId ? [filters.automationId] : automations.data?.map((automation) => automation.id);
  // A record id typed before its type is kept in the form (and the address) but not sent: the field says why.
  const typeMissing = recordTypeMissing(filters);
  const log = useRunLog(applicableFilters(filters), automationIds);
  // Counting a range reads every run in it; the first page reads 50. Count once the page is shown, so the
  // two do not compete for the table.
  const counts = useRunCounts(automationIds, { ...(filters.from ? { from: filters.from } : {}), ...(filters.to ? { to: filters.to } : {}) }, { enabled: !log.isPending });
  const names = new Map((automations.data ?? []).map((automation) => [automation.id, automation.name]));
  const readable = useReadableSummary();
  const update = (patch: Partial<RunFilters>) => {
    const next: RunFilters = { ...parsed.filters, ...patch };
    for (const key of Object.keys(fixed) as Array<keyof RunFilters>) delete next[key];
    setSearch(runFiltersToSearch(next), { replace: false });
  };
  const runs = log.data?.pages.flatMap((page) => page.items) ?? [];
  const showAutomation = fixed.automationId === undefined;

  return (
    <Stack gap="sm">
      <Paper withBorder p="sm">
        <Group align="flex-end" gap="sm" role="search" aria-label="Run filters">
          {showAutomation ? (
            <Select
              label="Automation"
              clearable
              searchable
              data={(automations.data ?? []).map((automation) => ({ value: automation.id, label: automation.name }))}
              value={filters.automationId ?? null}
              onChange={(automationId) => update({ automationId: automationId ?? undefined })}
              w={240}
            />
          ) : null}
          <Select label="Status" clearable data={[...logStatuses]} value={filters.status ?? null} onChange={(status) => update({ status: (status ?? undefined) as RunFilters['status'] })} w={150} />
          <TextInput label="From" type="date" value={filters.from?.slice(0, 10) ?? ''} onChange={(event) => update({ from: event.currentTarget.value || undefined })} w={160} />
          <TextInput label="To" type="date" value={filters.to?.slice(0, 10) ?? ''} onChange={(event) => update({ to: event.currentTarget.value || undefined })} w={160} />
          <Select
            label="Record type"
            clearable
            data={[...recordTypes]}
            value={filters.entityType ?? null}
            onChange={(entityType) => update({ entityType: (entityType ?? undefined) as RunFilters['entityType'] })}
            error={typeMissing ? 'Choose the type of the record id' : undefined}
            w={typeMissing ? 220 : 140}
          />
          <TextInput label="Record id" value={filters.entityId ?? ''} onChange={(event) => update({ entityId: event.currentTarget.value.trim() || undefined })} w={240} />
          <Button variant="subtle" onClick={() => setSearch('')}>
            Clear
          </Button>
          {isAdmin && filters.automationId && (counts.data?.FAILED ?? 0) > 0 ? <RedriveWindow automationId={filters.automationId} filters={filters} failed={counts.data?.FAILED ?? 0} /> : null}
        </Group>
      </Paper>
      {parsed.dropped.length > 0 ? (
        <Alert color="yellow" title="Some filters in the address were not understood">
          {parsed.dropped.map((entry) => `${entry.key}: ${entry.reason}`).join('; ')}
        </Alert>
      ) : null}
      <Group gap="xs" aria-label="Runs per status in this range">
        {counts.data
          ? logStatuses
              .filter((status) => status !== 'LOOP_STOPPED' || (counts.data?.[status] ?? 0) > 0)
              .map((status) => (
                <Button key={status} size="compact-sm" variant={filters.status === status ? 'filled' : 'light'} color={statusColors[status]} onClick={() => update({ status: filters.status === status ? undefined : status })}>
                  {status} {counts.data?.[status] ?? 0}
                </Button>
              ))
          : null}
        {filters.entityId && !typeMissing && counts.data ? (
          <Text size="xs" c="dimmed">
            (counts are for the range, every record)
          </Text>
        ) : null}
      </Group>
      {log.isPending && automationIds !== undefined ? (
        <Loading label="Loading runs…" />
      ) : log.isError ? (
        <ErrorState error={log.error} onRetry={() => void log.refetch()} />
      ) : runs.length === 0 ? (
        <EmptyState title="No runs">No run matches these filters.</EmptyState>
      ) : (
        <>
          <Table.ScrollContainer minWidth={showAutomation ? 960 : 820}>
            <Table striped highlightOnHover aria-label="Runs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Status</Table.Th>
                  {showAutomation ? <Table.Th>Automation</Table.Th> : null}
                  <Table.Th>Started</Table.Th>
                  <Table.Th>Ended</Table.Th>
                  <Table.Th>Record</Table.Th>
                  <Table.Th>Trigger</Table.Th>
                  <Table.Th>Actions</Table.Th>
                  <Table.Th>Due</Table.Th>
                  <Table.Th>Note</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {runs.map((run) => (
                  <RunRow key={`${run.automationId}/${run.runId}`} run={run} automationName={names.get(run.automationId)} showAutomation={showAutomation} readable={readable} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {log.hasNextPage ? (
            <Button variant="light" w="fit-content" loading={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
              Older runs
            </Button>
          ) : null}
        </>
      )}
    </Stack>
  );
}
