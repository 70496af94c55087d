// "Run now" on a record page offers only the manual automations that can run: a stopped one is not offered (the API
// answers 409 AUTOMATION_STOPPED).
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { meta, renderScreen, scriptedApi } from '../../test/render';
import { RunNowMenu } from './components/RunNowMenu';

const manual = (id: string, name: string, status: 'active' | 'stopped') => ({
  ...meta(id),
  name,
  status,
  provisioning: 'ready',
  trigger: { type: 'manual', entity: 'deal' },
  actions: [{ type: 'updateFields', set: { title: 'x' } }],
});

describe('RunNowMenu', () => {
  it('offers the active manual automations and not the stopped ones', async () => {
    // Prepare
    const api = scriptedApi({ 'GET /automations': { body: { items: [manual('a1', 'Send quote', 'active'), manual('a2', 'Old follow-up', 'stopped')] } } });
    renderScreen(<RunNowMenu entityType="deal" entityId="d1" />, { api });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'Run now' }));

    // Assess
    expect(await screen.findByRole('menuitem', { name: 'Send quote' })).toBeTruthy();
    expect(screen.queryByRole('menuitem', { name: 'Old follow-up' })).toBeNull();
  });
});
