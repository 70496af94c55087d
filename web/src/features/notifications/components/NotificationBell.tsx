import { Indicator, UnstyledButton } from '@mantine/core';
import { Link } from 'react-router';
import { paths } from '../../../lib/paths';
import { unreadCount, useNotifications, useSeenAt } from '../api/notifications';

export function NotificationBell() {
  const notifications = useNotifications();
  const [seenAt] = useSeenAt();
  const unread = unreadCount(notifications.data?.items ?? [], seenAt);
  return (
    <Indicator label={unread} size={16} disabled={unread === 0} color="red">
      <UnstyledButton component={Link} to={paths.notifications} aria-label={`Notifications, ${unread} unread`} px={4} fz="lg">
        <span aria-hidden="true">🔔</span>
      </UnstyledButton>
    </Indicator>
  );
}
