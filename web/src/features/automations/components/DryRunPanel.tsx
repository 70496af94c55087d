// Test on a record: would the trigger fire and the conditions hold, and what each step would do —
// the API's dry run, which changes nothing.
import { Alert, Badge, Button, Code, Group, Select, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { HtmlPreview } from '../../../components/HtmlPreview';
import { describeError } from '../../../lib/api';
import { type Page, collections, titleOf } from '../../../lib/records';
import { useApi } from '../../../lib/session';
import { type Automation, useDryRun } from '../api/automations';
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
        <Stack gap="xs" aria-label="Dry run result">
          <Group gap="xs">
            <Badge color={result.triggerMatches ? 'green' : 'gray'}>{result.triggerMatches ? 'trigger matches' : 'trigger does not match'}</Badge>
            <Badge color={result.conditionsHold ? 'green' : 'orange'}>{result.conditionsHold ? 'conditions hold' : 'conditions do not hold'}</Badge>
            <Text fw={600}>{result.wouldRun ? 'These steps would run:' : 'It would not run.'}</Text>
          </Group>
          {result.reason ? <Text size="sm">Why: {result.reason}</Text> : null}
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Step</Table.Th>
                <Table.Th>What it would do</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.actions.map((action) => (
                <Table.Tr key={action.step}>
                  <Table.Td>{action.step}</Table.Td>
                  <Table.Td>
                    {action.error ? (
                      <Text c="red" size="sm">
                        {action.error}
                      </Text>
                    ) : (
                      <Stack gap={4}>
                        <Code block>{JSON.stringify(action.action, null, 2)}</Code>
                        {typeof action.action?.html === 'string' ? <HtmlPreview title={`HTML of ${action.step}`} html={action.action.html} /> : null}
                      </Stack>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Text size="xs" c="dimmed">
            A dry run changes nothing.
          </Text>
        </Stack>
      ) : null}
    </Stack>
  );
}
