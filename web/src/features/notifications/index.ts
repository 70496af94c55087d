export { NotificationBell } from './components/NotificationBell';
export { NotificationsPage } from './components/NotificationsPage';
