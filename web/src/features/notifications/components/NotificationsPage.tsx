import { Anchor, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { EmptyState, QueryState } from '../../../components/States';
import { paths } from '../../../lib/paths';
import { useNotifications, useSeenAt } from '../api/notifications';

export function NotificationsPage() {
  const notifications = useNotifications();
  const [seenAt, markSeen] = useSeenAt();
  // What was unread when the page opened stays marked while the person reads it.
  const openedSeenAt = useRef(seenAt);
  useEffect(() => {
    if (notifications.isSuccess) markSeen();
  }, [notifications.isSuccess, notifications.dataUpdatedAt, markSeen]);
  return (
    <Stack>
      <Title order={2}>Notifications</Title>
      <QueryState
        query={notifications}
        isEmpty={(page) => page.items.length === 0}
        empty={<EmptyState title="No notifications">Automations with a “notify” step write here.</EmptyState>}
      >
        {(page) => (
          <Stack gap="xs" component="ul" p={0} style={{ listStyle: 'none' }}>
            {page.items.map((item) => (
              <Paper key={item.id} withBorder p="sm" component="li">
                <Group justify="space-between" wrap="nowrap">
                  <Text>{item.message}</Text>
                  <Group gap="xs" wrap="nowrap">
                    {item.at > openedSeenAt.current ? <Badge color="red">new</Badge> : null}
                    <Text size="xs" c="dimmed">
                      {new Date(item.at).toLocaleString()}
                    </Text>
                  </Group>
                </Group>
                {item.from.automationId && item.from.runId ? (
                  <Anchor component={Link} to={paths.run(item.from.automationId, item.from.runId)} size="sm">
                    from an automation run
                  </Anchor>
                ) : null}
              </Paper>
            ))}
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
