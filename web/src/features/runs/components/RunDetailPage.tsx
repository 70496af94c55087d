// One run: its record, the version of the automation it ran, and the step timeline (Enroll, Wait with its
// due time, Check conditions, each action, and each failure a redrive followed) with what each step did
// and, unfolded, what it sent and wrote (StepSent); Redrive for a failed run, Cancel run (admins) for a waiting or running one.
import { Alert, Anchor, Badge, Button, Code, Group, List, Modal, Stack, Text, Timeline, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link, useParams } from 'react-router';
import { QueryState } from '../../../components/States';
import { describeError } from '../../../lib/api';
import { paths } from '../../../lib/paths';
import { useIsAdmin } from '../../../lib/role';
import { useApi } from '../../../lib/session';
import { type RunDetail, type RunStep, type StepOutcome, runKeys, useRedrive, useRun } from '../api/runs';
import { RecordLink, RunStatusBadge, statusColors, useAutomationIndex } from './RunLog';
import { useReadableSummary } from './RunSummary';
import { StepSent } from './StepSent';

const time = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : '');

/** One redrive of the run, with the failure it followed (the run's own error is cleared by the redrive). */
interface Redrive {
  at: string;
  fromStep: string;
  automationVersion?: number;
  failedStep?: string;
  error?: string;
  cause?: string;
}

type RunWithRedrives = RunDetail & { redrives?: Redrive[] };

/** Cancels one WAITING or RUNNING run (admins): its execution stops and the run is CANCELLED, naming who cancelled it. */
function useCancelRun() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (run: { automationId: string; runId: string }) =>
      api.request<RunDetail>(`/automations/${encodeURIComponent(run.automationId)}/runs/${encodeURIComponent(run.runId)}/cancel`, { method: 'POST' }),
    onSuccess: (cancelled) => {
      client.setQueryData(runKeys.one(cancelled.automationId, cancelled.runId), cancelled);
      void client.invalidateQueries({ queryKey: runKeys.all });
    },
    // Refused because the run ended meanwhile: the page shows how it ended.
    onError: (_error, run) => void client.invalidateQueries({ queryKey: runKeys.one(run.automationId, run.runId) }),
  });
}

/** Admins end a run under way; the API refuses (409) a run that ended meanwhile, which is shown. */
function CancelRun({ run }: { run: RunDetail }) {
  const isAdmin = useIsAdmin();
  const cancel = useCancelRun();
  const [asking, setAsking] = useState(false);
  if (!isAdmin || (run.status !== 'WAITING' && run.status !== 'RUNNING')) return null;
  return (
    <>
      <Button color="red" variant="light" onClick={() => setAsking(true)}>
        Cancel run
      </Button>
      <Modal opened={asking} onClose={() => setAsking(false)} title="Cancel this run?">
        <Stack>
          <Text size="sm">
            The run stops where it is ({run.status === 'WAITING' ? 'its wait ends now' : 'no further step runs'}) and cannot be resumed. Steps done so
            far stay done.
          </Text>
          {cancel.isError ? <Alert color="red">{describeError(cancel.error)}</Alert> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsking(false)}>
              Keep it
            </Button>
            <Button
              color="red"
              loading={cancel.isPending}
              onClick={() => cancel.mutate({ automationId: run.automationId, runId: run.runId }, { onSuccess: () => setAsking(false) })}
            >
              Cancel run
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** The failure a redrive followed, where the timeline reached it: "Failed at 1 · Plan activity: <cause> — redriven <at>". */
function RedriveItem({ redrive }: { redrive: Redrive }) {
  const failure = redrive.cause ?? redrive.error;
  return (
    <Timeline.Item
      color="red"
      title={
        <Group gap="xs">
          <Text fw={600}>
            Failed at {redrive.failedStep ?? redrive.fromStep}
            {failure ? `: ${failure}` : ''} — redriven {time(redrive.at)}
          </Text>
          <Badge size="sm" variant="light" color="orange">
            REDRIVEN
          </Badge>
        </Group>
      }
    >
      <Text size="xs" c="dimmed">
        {redrive.error ? `${redrive.error} · ` : ''}run again from {redrive.fromStep}
        {redrive.automationVersion !== undefined ? ` with automation version ${redrive.automationVersion}` : ''}
      </Text>
    </Timeline.Item>
  );
}

/** The steps, each redrive's failure just before the step it ran again from (at the end if that step is not listed). */
function timelineItems(steps: RunStep[], redrives: Redrive[]): ReactNode[] {
  const placed = new Set<Redrive>();
  const items: ReactNode[] = [];
  steps.forEach((step, index) => {
    for (const redrive of redrives.filter((entry) => !placed.has(entry) && entry.fromStep === step.name)) {
      placed.add(redrive);
      items.push(<RedriveItem key={`redrive-${redrive.at}`} redrive={redrive} />);
    }
    items.push(<StepItem key={`${step.name}-${index}`} step={step} />);
  });
  for (const redrive of redrives.filter((entry) => !placed.has(entry))) items.push(<RedriveItem key={`redrive-${redrive.at}`} redrive={redrive} />);
  return items;
}

function Outcome({ stepName, outcome }: { stepName: string; outcome: StepOutcome }) {
  const readable = useReadableSummary();
  return (
    <Stack gap={2}>
      {outcome.done ? <Text size="sm">{readable(outcome.done)}</Text> : null}
      {outcome.branch && outcome.reason ? (
        <Text size="sm" c="dimmed">
          Why: {outcome.reason}
        </Text>
      ) : outcome.result === 'noop' ? (
        <Text size="sm" c="dimmed">
          Nothing to do{outcome.reason ? `: ${outcome.reason}` : ''}
        </Text>
      ) : null}
      {outcome.result === 'suppressed' && outcome.reason ? (
        <Text size="sm" c="orange">
          Suppressed: {outcome.reason}
        </Text>
      ) : null}
      {outcome.records && outcome.records.length > 0 ? (
        <List size="sm" aria-label="Records">
          {outcome.records.map((record) => (
            <List.Item key={`${record.type}-${record.id}-${record.change ?? ''}`}>
              {record.change ?? 'touched'} <RecordLink type={record.type} id={record.id} />
              {record.version !== undefined ? ` (version ${record.version})` : ''}
              {record.fields && record.fields.length > 0 ? `: ${record.fields.join(', ')}` : ''}
            </List.Item>
          ))}
        </List>
      ) : null}
      {outcome.mails && outcome.mails.length > 0 ? (
        <List size="sm" aria-label="Mails">
          {outcome.mails.map((mail, index) => (
            <List.Item key={index}>
              {mail.status === 'sent' ? 'mailed' : `did not mail (${mail.reason ?? mail.status})`} {mail.to}
              {mail.subject ? `: “${mail.subject}”` : ''}
            </List.Item>
          ))}
        </List>
      ) : null}
      <StepSent stepName={stepName} outcome={outcome} />
    </Stack>
  );
}

function StepItem({ step }: { step: RunStep }) {
  return (
    <Timeline.Item
      title={
        <Group gap="xs">
          <Text fw={600}>{step.name}</Text>
          <Badge size="sm" variant="light" color={statusColors[step.status] ?? (step.status === 'CAUGHT' ? 'orange' : 'gray')}>
            {step.status}
          </Badge>
        </Group>
      }
      color={statusColors[step.status] ?? 'gray'}
    >
      <Text size="xs" c="dimmed">
        {time(step.startedAt)}
        {step.endedAt ? ` → ${time(step.endedAt)}` : ''}
        {step.automationVersion !== undefined ? ` · version ${step.automationVersion}` : ''}
      </Text>
      {step.dueAt ? <Text size="sm">Due {time(step.dueAt)}</Text> : null}
      {step.actor ? (
        <Text size="sm" c="dimmed" aria-label={`${step.name} acted as`}>
          as {step.actor.icon ? `${step.actor.icon} ` : ''}
          {step.actor.name}
          {step.actor.kind === 'user' ? ' (the Butler was off)' : ''}
        </Text>
      ) : null}
      {step.outcome ? <Outcome stepName={step.name} outcome={step.outcome} /> : null}
      {step.error ? (
        // A caught error was routed by the state machine (a resumed run's Enroll, a skip): not a failure by itself.
        <Text size="sm" c={step.status === 'CAUGHT' ? 'dimmed' : 'red'}>
          {step.status === 'CAUGHT' ? 'caught: ' : ''}
          {step.error}
          {step.cause ? `: ${step.cause}` : ''}
        </Text>
      ) : null}
    </Timeline.Item>
  );
}

function RunDetailView({ run }: { run: RunWithRedrives }) {
  const redrive = useRedrive();
  const readable = useReadableSummary();
  const automations = useAutomationIndex();
  const name = automations.data?.find((automation) => automation.id === run.automationId)?.name ?? run.automationId;
  // The API redrives by window; a window of this run's start millisecond picks this run.
  const window = { from: run.startedAt, to: new Date(new Date(run.startedAt).getTime() + 1).toISOString() };
  const steps = run.steps ?? [];
  const items = timelineItems(steps, run.redrives ?? []);
  return (
    <Stack>
      <Group justify="space-between">
        <Stack gap={2}>
          <Title order={2}>
            Run of <Anchor component={Link} to={paths.automation(run.automationId)}>{name}</Anchor>
          </Title>
          <Group gap="xs">
            <span aria-label="Run status">
              <RunStatusBadge status={run.status} />
            </span>
            <Text size="sm">
              on <RecordLink type={run.entityType} id={run.entityId} />
            </Text>
            {run.automationVersion !== undefined ? <Text size="sm">· automation version {run.automationVersion}</Text> : null}
            <Text size="sm">
              · {run.actionsCompleted} / {run.actionsTotal} actions
            </Text>
          </Group>
          <Text size="sm" c="dimmed">
            Started {time(run.startedAt)}
            {run.endedAt ? `, ended ${time(run.endedAt)}` : ''}
            {run.status === 'WAITING' && run.dueAt ? `, due ${time(run.dueAt)}` : ''}
          </Text>
          {run.summary ? <Text>{readable(run.summary)}</Text> : null}
        </Stack>
        <Group>
          {run.consoleUrl ? (
            <Button component="a" href={run.consoleUrl} target="_blank" rel="noreferrer" variant="default">
              Step Functions execution
            </Button>
          ) : null}
          {run.status === 'FAILED' ? (
            <Button color="red" loading={redrive.isPending} onClick={() => redrive.mutate({ automationId: run.automationId, ...window })}>
              Redrive
            </Button>
          ) : null}
          <CancelRun run={run} />
        </Group>
      </Group>
      {run.status === 'FAILED' || run.error ? (
        <Alert color="red" title={`Failed${run.failedStep ? ` at ${run.failedStep}` : ''}`}>
          {run.error}
          {run.errorCause ? `: ${run.errorCause}` : ''}
        </Alert>
      ) : null}
      {run.reason && run.status !== 'FAILED' ? <Alert color="gray" title={run.status === 'SKIPPED' ? 'Skipped' : run.status === 'CANCELLED' ? 'Cancelled' : 'Why'}>{run.reason}</Alert> : null}
      {redrive.isError ? <Alert color="red">{describeError(redrive.error)}</Alert> : null}
      {redrive.isSuccess ? (
        <Alert color={redrive.data.redriven.length > 0 ? 'green' : 'yellow'} role="status">
          {redrive.data.redriven.length > 0 ? 'Redriven: the run is under way again.' : 'Not redriven: the run is no longer FAILED.'}
        </Alert>
      ) : null}
      <Title order={4}>Steps</Title>
      {steps.length === 0 ? (
        <Text c="dimmed">No steps recorded yet.</Text>
      ) : (
        <Timeline active={items.length} bulletSize={16} lineWidth={2} aria-label="Steps">
          {items}
        </Timeline>
      )}
      <details>
        <summary>Run record</summary>
        <Code block>{JSON.stringify({ ...run, steps: undefined }, null, 2)}</Code>
      </details>
    </Stack>
  );
}

export function RunDetailPage() {
  const { id = '', runId = '' } = useParams();
  const run = useRun(id, runId);
  return <QueryState query={run}>{(data) => <RunDetailView run={data} />}</QueryState>;
}
