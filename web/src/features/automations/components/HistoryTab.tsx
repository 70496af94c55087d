// Who changed the automation, when, and what.
import { Code, Table, Text } from '@mantine/core';
import { ActorName } from '../../../components/Actor';
import { EmptyState, QueryState } from '../../../components/States';
import { useAutomationHistory } from '../api/automations';

export function HistoryTab({ automationId }: { automationId: string }) {
  const history = useAutomationHistory(automationId);
  return (
    <QueryState query={history}>
      {(data) =>
        !data.available ? (
          <EmptyState title="No history here yet">This API has no history for automations.</EmptyState>
        ) : data.items.length === 0 ? (
          <EmptyState title="No changes yet" />
        ) : (
          <Table aria-label="History">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Who</Table.Th>
                <Table.Th>What</Table.Th>
                <Table.Th>Changes</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.items.map((entry, index) => (
                <Table.Tr key={`${entry.at}-${index}`}>
                  <Table.Td>{new Date(entry.at).toLocaleString()}</Table.Td>
                  <Table.Td>
                    <ActorName actor={entry.actor} />
                  </Table.Td>
                  <Table.Td>{entry.action}</Table.Td>
                  <Table.Td>
                    {Object.keys(entry.changes ?? {}).length === 0 ? (
                      <Text c="dimmed">—</Text>
                    ) : (
                      Object.entries(entry.changes).map(([field, change]) => (
                        <div key={field}>
                          <Text span fw={600}>
                            {field}
                          </Text>
                          : <Code>{JSON.stringify(change.from ?? null)}</Code> → <Code>{JSON.stringify(change.to ?? null)}</Code>
                        </div>
                      ))
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )
      }
    </QueryState>
  );
}
