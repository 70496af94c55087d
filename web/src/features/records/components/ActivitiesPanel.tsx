// A record's activities: plan one, complete an open one.
import { Alert, Badge, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useMemo, useState } from 'react';
import { UserName } from '../../../components/Actor';
import { EmptyState, QueryState } from '../../../components/States';
import { describeError } from '../../../lib/api';
import { BUTLER_ID, type RecordCollection } from '../../../lib/records';
import { useUsers } from '../../../lib/users';
import { ownerOf, useActivities, useOwnedWrite } from '../api/records';

const activityTypes = ['call', 'meeting', 'task', 'email'] as const;

function PlanActivity({ collection, id }: { collection: RecordCollection; id: string }) {
  const users = useUsers();
  const write = useOwnedWrite(collection, id);
  const [subject, setSubject] = useState('');
  const [activityType, setActivityType] = useState<string>('call');
  const [due, setDue] = useState('');
  const [responsibleId, setResponsibleId] = useState<string | null>(null);
  const [idempotencyKey, setKey] = useState(() => crypto.randomUUID());
  const people = useMemo(() => (users.data ?? []).filter((user) => user.id !== BUTLER_ID).map((user) => ({ value: user.id, label: user.name })), [users.data]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    write.mutate(
      {
        path: '/activities',
        method: 'POST',
        idempotencyKey,
        body: { subject, activityType, dueAt: due ? new Date(due).toISOString() : '', responsibleId: responsibleId ?? '', ...ownerOf(collection, id) },
      },
      {
        onSuccess: () => {
          setSubject('');
          setDue('');
          setKey(crypto.randomUUID());
        },
      },
    );
  };
  return (
    <form onSubmit={submit} aria-label="Plan an activity">
      <Stack gap={6}>
        <Group grow gap="xs" align="flex-end">
          <TextInput label="Subject" size="xs" value={subject} onChange={(event) => setSubject(event.currentTarget.value)} />
          <Select label="Type" size="xs" data={[...activityTypes]} value={activityType} onChange={(value) => setActivityType(value ?? 'call')} allowDeselect={false} />
        </Group>
        <Group grow gap="xs" align="flex-end">
          <TextInput label="Due" size="xs" type="datetime-local" value={due} onChange={(event) => setDue(event.currentTarget.value)} />
          <Select label="Responsible" size="xs" data={people} value={responsibleId} onChange={setResponsibleId} />
        </Group>
        {write.isError ? (
          <Alert color="red" p="xs" role="alert">
            {describeError(write.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button type="submit" size="xs" loading={write.isPending}>
            Plan activity
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function ActivitiesPanel({ collection, id }: { collection: RecordCollection; id: string }) {
  const activities = useActivities(collection, id);
  const write = useOwnedWrite(collection, id);
  return (
    <Stack gap="sm">
      <QueryState query={activities} isEmpty={(page) => page.items.length === 0} empty={<EmptyState title="No activities" />}>
        {(page) => (
          <Stack gap={6} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
            {page.items.map((activity) => (
              <Group key={activity.id} justify="space-between" wrap="nowrap" component="li">
                <Stack gap={0}>
                  <Text size="sm" fw={500} td={activity.status === 'completed' ? 'line-through' : undefined}>
                    {activity.subject}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {activity.activityType} · due {new Date(activity.dueAt).toLocaleString()} · <UserName userId={activity.responsibleId} />
                  </Text>
                </Stack>
                {activity.status === 'open' ? (
                  <Button
                    size="compact-xs"
                    variant="light"
                    aria-label={`Complete ${activity.subject}`}
                    onClick={() => write.mutate({ path: `/activities/${activity.id}`, method: 'PATCH', body: { status: 'completed' }, ifMatch: activity.version })}
                  >
                    Complete
                  </Button>
                ) : (
                  <Badge color="green" variant="light">
                    completed
                  </Badge>
                )}
              </Group>
            ))}
          </Stack>
        )}
      </QueryState>
      {write.isError ? (
        <Alert color="red" p="xs" role="alert">
          {describeError(write.error)}
        </Alert>
      ) : null}
      <PlanActivity collection={collection} id={id} />
    </Stack>
  );
}
