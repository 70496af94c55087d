// Notifications: the bell counts what arrived since the inbox was last opened.
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderScreen, scriptedApi } from '../../test/render';
import { NotificationBell } from './components/NotificationBell';
import { NotificationsPage } from './components/NotificationsPage';

const items = [
  { id: 'n2', userId: 'admin', message: 'Call Jane about the contract', at: '2026-11-02T10:00:00.000Z', from: { automationId: 'a1', runId: 'r2' } },
  { id: 'n1', userId: 'admin', message: 'Renewal due', at: '2026-10-01T10:00:00.000Z', from: {} },
];
const api = () => scriptedApi({ 'GET /notifications': { body: { items } } });

describe('notifications', () => {
  it('the bell counts the notifications newer than the last visit to the inbox', async () => {
    localStorage.setItem('stagecraft.notifications.seenAt', '2026-10-15T00:00:00.000Z');

    renderScreen(<NotificationBell />, { api: api() });

    expect(await screen.findByRole('link', { name: 'Notifications, 1 unread' })).toBeTruthy();
  });

  it('opening the inbox lists them, marks the new one, and clears the count', async () => {
    renderScreen(<NotificationsPage />, { api: api() });

    expect(await screen.findByText('Call Jane about the contract')).toBeTruthy();
    expect(screen.getAllByText('new')).toHaveLength(2);
    await waitFor(() => expect(localStorage.getItem('stagecraft.notifications.seenAt')).not.toBeNull());
    expect(screen.getByRole('link', { name: 'from an automation run' }).getAttribute('href')).toBe('/automations/a1/runs/r2');
  });
});
