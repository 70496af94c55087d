// Statistics: what people did in a date range, and apart from them what the Butler did.
import { Group, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { ButlerBadge } from '../../../components/Actor';
import { EmptyState, ErrorState, Loading } from '../../../components/States';
import { BUTLER_ID } from '../../../lib/records';
import { useUsers } from '../../../lib/users';
import { useWorkspaceNow } from '../../../lib/workspace-clock';
import { type Figures, rangeOf, totalOf, useActivityStats } from '../api/stats';
import { ActivityChart } from './ActivityChart';

const day = (date: Date) => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

function FiguresRow({ name, figures }: { name: React.ReactNode; figures: Figures }) {
  return (
    <Table.Tr>
      <Table.Td>{name}</Table.Td>
      <Table.Td ta="right">{figures.created}</Table.Td>
      <Table.Td ta="right">{figures.updated}</Table.Td>
      <Table.Td ta="right">{figures.stageChanges}</Table.Td>
      <Table.Td ta="right">{figures.deleted}</Table.Td>
      <Table.Td ta="right" fw={600}>
        {totalOf(figures)}
      </Table.Td>
    </Table.Tr>
  );
}

function FiguresTable({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table aria-label={label} striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Who</Table.Th>
            <Table.Th ta="right">Created</Table.Th>
            <Table.Th ta="right">Updated</Table.Th>
            <Table.Th ta="right">Stage changes</Table.Th>
            <Table.Th ta="right">Deleted</Table.Th>
            <Table.Th ta="right">Total</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function StatsPage() {
  const today = useWorkspaceNow();
  return today ? <StatsOver today={today} /> : <Loading />;
}

function StatsOver({ today }: { today: Date }) {
  const monthAgo = new Date(today);
  monthAgo.setDate(today.getDate() - 30);
  const [fromDay, setFromDay] = useState(day(monthAgo));
  const [toDay, setToDay] = useState(day(today));
  const valid = Boolean(fromDay && toDay && fromDay <= toDay);
  const { from, to } = valid ? rangeOf(fromDay, toDay) : { from: '', to: '' };
  const stats = useActivityStats(from, to);
  const users = useUsers();
  const butler = users.data?.find((user) => user.id === BUTLER_ID);

  const humans = stats.data?.humans ?? [];
  const max = Math.max(1, ...humans.map(totalOf), stats.data ? totalOf(stats.data.butler) : 0);
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Statistics</Title>
        <Group gap="xs">
          <TextInput type="date" label="From" size="xs" value={fromDay} onChange={(event) => setFromDay(event.currentTarget.value)} />
          <TextInput type="date" label="To" size="xs" value={toDay} onChange={(event) => setToDay(event.currentTarget.value)} error={valid ? undefined : 'after “From”'} />
        </Group>
      </Group>
      {stats.isPending && valid ? <Loading /> : null}
      {stats.isError ? <ErrorState error={stats.error} onRetry={() => void stats.refetch()} /> : null}
      {stats.data ? (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <Paper withBorder p="md" component="section" aria-label="People">
            <Title order={3} size="h5" mb="sm">
              People
            </Title>
            {humans.length === 0 ? (
              <EmptyState title="Nobody wrote anything in this range" />
            ) : (
              <Stack>
                <ActivityChart label="Writes per person" max={max} rows={humans.map((human) => ({ name: human.name, figures: human }))} />
                <FiguresTable label="Writes per person">
                  {humans.map((human) => (
                    <FiguresRow key={human.userId} name={human.name} figures={human} />
                  ))}
                </FiguresTable>
              </Stack>
            )}
          </Paper>
          <Paper withBorder p="md" component="section" aria-label="The Butler" bg="grape.0">
            <Group mb="sm" gap="xs">
              <Title order={3} size="h5">
                Done by the Butler
              </Title>
              <ButlerBadge butler={butler} />
            </Group>
            <Text size="sm" c="dimmed" mb="sm">
              Automations and integrations: work nobody had to do by hand. Not counted in people’s figures.
            </Text>
            <ActivityChart label="Writes by the Butler" max={max} rows={[{ name: butler?.name ?? 'Butler', figures: stats.data.butler }]} />
            <FiguresTable label="Writes by the Butler">
              <FiguresRow name={butler?.name ?? 'Butler'} figures={stats.data.butler} />
            </FiguresTable>
          </Paper>
        </SimpleGrid>
      ) : null}
    </Stack>
  );
}
