// The exceptions list: e-mails and phones nobody may be recorded or mailed with.
import { ActionIcon, Alert, Badge, Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ActorName } from '../../../components/Actor';
import { EmptyState, QueryState } from '../../../components/States';
import { describeError } from '../../../lib/api';
import { keys } from '../../../lib/query';
import { useIsAdmin } from '../../../lib/role';
import { useExceptions, useSettingsWrite } from '../api/settings';

export function ExceptionsSettings() {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const exceptions = useExceptions(cursors[cursors.length - 1]);
  const write = useSettingsWrite([keys.exceptions]);
  // Anyone may add to the list; only admins take a value off it.
  const isAdmin = useIsAdmin();
  const [search, setSearch] = useState('');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const add = (event: FormEvent) => {
    event.preventDefault();
    write.mutate(
      { path: '/exceptions', method: 'POST', body: { value, ...(reason.trim() ? { reason } : {}) } },
      {
        onSuccess: () => {
          setValue('');
          setReason('');
        },
      },
    );
  };
  const needle = search.trim().toLowerCase();
  return (
    <Stack>
      <form onSubmit={add} aria-label="Add an exception">
        <Group align="flex-end" gap="xs">
          <TextInput label="E-mail or phone" size="xs" w={260} value={value} onChange={(event) => setValue(event.currentTarget.value)} placeholder="spam@example.com or +4930…" />
          <TextInput label="Reason" size="xs" w={260} value={reason} onChange={(event) => setReason(event.currentTarget.value)} />
          <Button type="submit" size="xs" loading={write.isPending}>
            Add exception
          </Button>
        </Group>
      </form>
      {write.isError ? (
        <Alert color="red" role="alert">
          {describeError(write.error)}
        </Alert>
      ) : null}
      <TextInput aria-label="Search the exceptions list" placeholder="Search this page" size="xs" w={260} value={search} onChange={(event) => setSearch(event.currentTarget.value)} />
      <QueryState query={exceptions} isEmpty={(page) => page.items.length === 0} empty={<EmptyState title="The exceptions list is empty" />}>
        {(page) => {
          const rows = page.items.filter((entry) => !needle || `${entry.value} ${entry.reason ?? ''}`.toLowerCase().includes(needle));
          return rows.length === 0 ? (
            <EmptyState title={`Nothing on this page matches “${search}”`} />
          ) : (
            <Table.ScrollContainer minWidth={600}>
              <Table aria-label="Exceptions" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Value</Table.Th>
                    <Table.Th>Reason</Table.Th>
                    <Table.Th>Added by</Table.Th>
                    <Table.Th>When</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((entry) => (
                    <Table.Tr key={entry.value}>
                      <Table.Td>
                        <Group gap={6} wrap="nowrap">
                          <Badge size="xs" variant="light">
                            {entry.kind}
                          </Badge>
                          <Text size="sm">{entry.value}</Text>
                        </Group>
                      </Table.Td>
                      <Table.Td>{entry.reason ?? '—'}</Table.Td>
                      <Table.Td>
                        <ActorName actor={entry.addedBy} />
                      </Table.Td>
                      <Table.Td>{new Date(entry.addedAt).toLocaleString()}</Table.Td>
                      <Table.Td>
                        {isAdmin ? (
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={`Remove ${entry.value}`}
                            onClick={() => write.mutate({ path: `/exceptions/${encodeURIComponent(entry.value)}`, method: 'DELETE' })}
                          >
                            <span aria-hidden="true">✕</span>
                          </ActionIcon>
                        ) : null}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          );
        }}
      </QueryState>
      <Group justify="flex-end" gap="xs">
        <Button variant="default" size="xs" disabled={cursors.length === 1} onClick={() => setCursors((current) => current.slice(0, -1))}>
          Previous page
        </Button>
        <Button variant="default" size="xs" disabled={!exceptions.data?.cursor} onClick={() => setCursors((current) => [...current, exceptions.data?.cursor])}>
          Next page
        </Button>
      </Group>
    </Stack>
  );
}
