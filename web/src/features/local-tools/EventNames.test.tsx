// Local tools → Events: each event's record by the name its image shows, who wrote it by name, and the rules it
// matched by their automation's name.
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { people, renderScreen, scriptedApi } from '../../test/render';
import { LocalToolsPage } from './components/LocalToolsPage';

const event = {
  id: 'e1',
  'detail-type': 'Deal Stage Changed',
  time: '2026-11-02T10:00:00.000Z',
  receivedAt: '2026-11-02T10:00:00.100Z',
  detail: {
    entityType: 'deal',
    entityId: '01M8RS4E0H00000000003CMKR3',
    actor: { kind: 'user', id: 'admin' },
    cause: { automationId: '01M8RSM3000000000000AUTO01', depth: 1 },
    changedFields: ['stageId'],
    before: { title: 'Deal 15: Inverter' },
    after: { title: 'Deal 15: Inverter' },
  },
  matchedRules: ['automation-01M8RSM3000000000000AUTO01', 'local-audit'],
  deliveries: [],
};

describe('LocalToolsPage events', () => {
  it('names the record, the writer and the automations, not their ids', async () => {
    // Prepare
    const api = scriptedApi({
      'GET /local/events': { body: { items: [event] } },
      'GET /users': { body: { items: people } },
      'GET /automations': { body: { items: [{ id: '01M8RSM3000000000000AUTO01', name: 'Invoice on won', status: 'active', trigger: { type: 'stageEntered' } }] } },
    });

    // Act
    renderScreen(<LocalToolsPage />, { api, path: '/local/events', route: '/local/:tool' });

    // Assess
    const table = await screen.findByRole('table', { name: 'Events' });
    expect(within(table).getByRole('link', { name: 'Deal 15: Inverter' }).getAttribute('href')).toBe('/deals/01M8RS4E0H00000000003CMKR3');
    expect(await within(table).findByText('Ada Admin')).toBeTruthy();
    expect(await within(table).findByText('for automation Invoice on won')).toBeTruthy();
    expect(within(table).getByRole('link', { name: 'Invoice on won' }).getAttribute('href')).toBe('/automations/01M8RSM3000000000000AUTO01');
    expect(within(table).getByText('local-audit')).toBeTruthy();
    expect(within(table).queryByText(/automation-01M8RSM3/)).toBeNull();
  });

  it("names a system rule's writes by what the rule does, not as an automation", async () => {
    // Prepare: the Butler unlinked a contact from a deleted company.
    const unlinked = {
      ...event,
      'detail-type': 'Contact Updated',
      detail: { ...event.detail, actor: { kind: 'butler', id: 'butler' }, cause: { automationId: 'system-unlink-deleted', depth: 0 }, changedFields: ['companyId'] },
      matchedRules: [],
    };
    const api = scriptedApi({
      'GET /local/events': { body: { items: [unlinked] } },
      'GET /users': { body: { items: people } },
      'GET /automations': { body: { items: [] } },
    });

    // Act
    renderScreen(<LocalToolsPage />, { api, path: '/local/events', route: '/local/:tool' });

    // Assess
    const table = await screen.findByRole('table', { name: 'Events' });
    expect(await within(table).findByText('system rule: unlinked a deleted record')).toBeTruthy();
    expect(within(table).queryByText(/for automation/)).toBeNull();
  });
});
