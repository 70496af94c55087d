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
      <UnstyledButton component={Link} to={paths.notifications} aria-label={`Notifications, ${unread} unread`} px={4} c="dark" style={{ display: 'flex' }}>
        <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
          <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.73 21a2 2 0 0 1-3.46 0" />
        </svg>
      </UnstyledButton>
    </Indicator>
  );
}
