// One run: its record, the version of the automation it ran, and the step timeline (Enroll, Wait with its
// due time, Check conditions, each action) with what each step did; Redrive for a failed run.
import { Alert, Anchor, Badge, Button, Code, Group, List, Stack, Text, Timeline, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { QueryState } from '../../../components/States';
import { describeError } from '../../../lib/api';
import { paths } from '../../../lib/paths';
import { type RunDetail, type RunStep, type StepOutcome, useRedrive, useRun } from '../api/runs';
import { RecordLink, RunStatusBadge, statusColors, useAutomationIndex } from './RunLog';

const time = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : '');

function Outcome({ outcome }: { outcome: StepOutcome }) {
  return (
    <Stack gap={2}>
      {outcome.done ? <Text size="sm">{outcome.done}</Text> : null}
      {outcome.result === 'noop' ? (
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
      {step.outcome ? <Outcome outcome={step.outcome} /> : null}
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

function RunDetailView({ run }: { run: RunDetail }) {
  const redrive = useRedrive();
  const automations = useAutomationIndex();
  const name = automations.data?.find((automation) => automation.id === run.automationId)?.name ?? run.automationId;
  // The API redrives by window; a window of this run's start millisecond picks this run.
  const window = { from: run.startedAt, to: new Date(new Date(run.startedAt).getTime() + 1).toISOString() };
  const steps = run.steps ?? [];
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
          {run.summary ? <Text>{run.summary}</Text> : null}
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
        </Group>
      </Group>
      {run.status === 'FAILED' || run.error ? (
        <Alert color="red" title={`Failed${run.failedStep ? ` at ${run.failedStep}` : ''}`}>
          {run.error}
          {run.errorCause ? `: ${run.errorCause}` : ''}
        </Alert>
      ) : null}
      {run.reason && run.status !== 'FAILED' ? <Alert color="gray" title={run.status === 'SKIPPED' ? 'Skipped' : 'Why'}>{run.reason}</Alert> : null}
      {redrive.isError ? <Alert color="red">{describeError(redrive.error)}</Alert> : null}
      {redrive.isSuccess ? <Alert color="green">Redriven: {redrive.data.redriven.length} run(s).</Alert> : null}
      <Title order={4}>Steps</Title>
      {steps.length === 0 ? (
        <Text c="dimmed">No steps recorded yet.</Text>
      ) : (
        <Timeline active={steps.length} bulletSize={16} lineWidth={2} aria-label="Steps">
          {steps.map((step, index) => (
            <StepItem key={`${step.name}-${index}`} step={step} />
          ))}
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
