// A record's history, newest first: who did what, the Butler with its name and icon and
// the automation run or integration it acted for.
import { Group, Stack, Text, Timeline } from '@mantine/core';
import { ActorName } from '../../../components/Actor';
import { EmptyState, QueryState } from '../../../components/States';
import type { HistoryEntry, RecordCollection } from '../../../lib/records';
import { useHistory } from '../api/records';

const verbs: Record<HistoryEntry['action'], string> = { created: 'created', updated: 'updated', deleted: 'deleted', stageChanged: 'moved' };

function show(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function describeChanges(entry: HistoryEntry): string[] {
  return Object.entries(entry.changes)
    .filter(([field]) => !['version', 'updatedAt', 'updatedBy', 'createdAt', 'createdBy', 'id'].includes(field))
    .map(([field, change]) => (entry.action === 'created' ? `${field}: ${show(change.to)}` : `${field}: ${show(change.from)} → ${show(change.to)}`));
}

export function HistoryTimeline({ collection, id }: { collection: RecordCollection; id: string }) {
  const history = useHistory(collection, id);
  return (
    <QueryState query={history} isEmpty={(page) => page.items.length === 0} empty={<EmptyState title="No history yet" />}>
      {(page) => (
        <Timeline bulletSize={14} lineWidth={2} aria-label="History">
          {page.items.map((entry, index) => (
            <Timeline.Item key={`${entry.at}-${index}`} color={entry.actor.kind === 'butler' ? 'grape' : 'indigo'}>
              <Stack gap={2}>
                <Group gap={6} wrap="wrap">
                  <ActorName actor={entry.actor} />
                  <Text size="sm">{verbs[entry.action]}</Text>
                  <Text size="xs" c="dimmed">
                    {new Date(entry.at).toLocaleString()}
                  </Text>
                </Group>
                {describeChanges(entry).map((line) => (
                  <Text key={line} size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>
                    {line}
                  </Text>
                ))}
              </Stack>
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </QueryState>
  );
}
