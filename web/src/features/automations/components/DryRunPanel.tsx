// Test on a record: would the trigger fire and the conditions hold, which way each if/else goes, and what each step
// on that path would do — the API's dry run, which changes nothing.
import { Alert, Badge, Button, Code, Group, List, Select, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useId, useState } from 'react';
import { HtmlPreview } from '../../../components/HtmlPreview';
import { describeError } from '../../../lib/api';
import { type Page, collections, titleOf } from '../../../lib/records';
import { useApi } from '../../../lib/session';
import { type Automation, type DryRun, type DryRunAction, useDryRun } from '../api/automations';
import { subjectTypeOf } from '../model/variables';

const recordTypes = ['deal', 'lead', 'contact', 'company', 'activity', 'document'] as const;

export function DryRunPanel({ automation }: { automation: Automation }) {
  const api = useApi();
  const subject = subjectTypeOf(automation.trigger);
  const triggerType = automation.trigger.type.startsWith('document') ? 'document' : subject === 'documentOwner' ? 'deal' : subject;
  const [entityType, setEntityType] = useState<(typeof recordTypes)[number]>(triggerType as (typeof recordTypes)[number]);
  const [entityId, setEntityId] = useState('');
  const collection = collections[entityType];
  const records = useQuery({
    queryKey: [collection, 'list', { limit: 50, for: 'dry-run' }],
    queryFn: () => api.request<Page<Record<string, unknown> & { id: string }>>(`/${collection}`, { query: { limit: 50 } }),
  });
  const dryRun = useDryRun(automation.id);
  const result = dryRun.data;
  return (
    <Stack>
      <Group align="flex-end">
        <Select label="Record type" data={[...recordTypes]} value={entityType} onChange={(type) => (setEntityType((type ?? 'deal') as typeof entityType), setEntityId(''))} allowDeselect={false} w={160} />
        <Select
          label="Record"
          searchable
          placeholder="Choose a record"
          data={(records.data?.items ?? []).map((item) => ({ value: item.id, label: titleOf(item) }))}
          value={entityId || null}
          onChange={(id) => setEntityId(id ?? '')}
          w={320}
        />
        <Button disabled={!entityId} loading={dryRun.isPending} onClick={() => dryRun.mutate({ entityType, entityId })}>
          Test on this record
        </Button>
      </Group>
      {dryRun.isError ? (
        <Alert color="red" role="alert">
          {describeError(dryRun.error)}
        </Alert>
      ) : null}
      {result ? (
        <Stack component="section" gap="xs" aria-label="Dry run result">
          <Group gap="xs">
            <Badge color={result.triggerMatches ? 'green' : 'gray'}>{result.triggerMatches ? 'trigger matches' : 'trigger does not match'}</Badge>
            <Badge color={result.conditionsHold ? 'green' : 'orange'}>{result.conditionsHold ? 'conditions hold' : 'conditions do not hold'}</Badge>
            {result.wouldRun ? null : <Text fw={600}>It would not run.</Text>}
          </Group>
          {result.reason ? <Text size="sm">Why: {result.reason}</Text> : null}
          {result.assumed && result.assumed.length > 0 ? (
            <Text size="sm" c="dimmed">
              Assumed: {result.assumed.join('; ')}
            </Text>
          ) : null}
          <DryRunSteps result={result} />
          <Text size="xs" c="dimmed">
            A dry run changes nothing.
          </Text>
        </Stack>
      ) : null}
    </Stack>
  );
}

// Without branches the API gives no `onPath`: every step is on the path.
const isOnPath = (action: DryRunAction) => action.onPath !== false;

/** The steps the record would go through, in run order, and apart from them those on the arms it would not take. */
function DryRunSteps({ result }: { result: DryRun }) {
  const onPath = result.actions.filter(isOnPath);
  const offPath = result.actions.filter((action) => !isOnPath(action));
  if (result.actions.length === 0) return <Text size="sm">It has no steps.</Text>;
  return (
    <>
      <StepList title={result.wouldRun ? 'These steps would run' : 'Had it run, these steps would run'}>
        {onPath.map((action) => (
          <List.Item key={action.step}>
            <StepOnPath action={action} />
          </List.Item>
        ))}
      </StepList>
      {offPath.length > 0 ? (
        <StepList title="These steps would not run" note="They are on the other arm of an if/else: this record does not go that way.">
          {offPath.map((action) => (
            <List.Item key={action.step}>
              <Text size="sm" c="dimmed">
                {action.step}
              </Text>
            </List.Item>
          ))}
        </StepList>
      ) : null}
    </>
  );
}

function StepList({ title, note, children }: { title: string; note?: string; children: ReactNode }) {
  const titleId = useId();
  return (
    <Stack gap={4}>
      <Title order={4} id={titleId}>
        {title}
      </Title>
      {note ? (
        <Text size="sm" c="dimmed">
          {note}
        </Text>
      ) : null}
      <List type="ordered" listStyleType="none" spacing="xs" aria-labelledby={titleId}>
        {children}
      </List>
    </Stack>
  );
}

/** A branch says which way the record goes and why; an action what it would do, or what it would fail on. */
function StepOnPath({ action }: { action: DryRunAction }) {
  if (action.branch) {
    // The API's why ends with the arm it names ("…: "then" runs"); the line names the arm itself.
    const why = action.why?.replace(/: "(then|else)" runs$/, '');
    return (
      <Text size="sm" fw={500}>
        {why ? `${action.step} → ${action.branch}: ${why}` : `${action.step} → ${action.branch}`}
      </Text>
    );
  }
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {action.step}
      </Text>
      {action.error ? (
        <Text c="red" size="sm">
          Would fail: {action.error}
        </Text>
      ) : (
        <>
          <Code block>{JSON.stringify(action.action, null, 2)}</Code>
          {typeof action.action?.html === 'string' ? <HtmlPreview title={`HTML of ${action.step}`} html={action.action.html} /> : null}
        </>
      )}
    </Stack>
  );
}
