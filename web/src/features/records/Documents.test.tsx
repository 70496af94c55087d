// A record's documents panel: a document made from a template chosen there, and what a template made read in place.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { meta, renderScreen, scriptedApi } from '../../test/render';
import { DocumentsPanel } from './components/DocumentsPanel';

const quote = { ...meta('t1'), name: 'Quote', kind: 'quote', body: '<h1>{{ deal.title }}</h1>', parties: ['sender', 'recipient'] };

describe('the documents panel', () => {
  it('makes a document from the chosen template, its title left to the template', async () => {
    // Prepare
    const api = scriptedApi({
      'GET /documents': { body: { items: [] } },
      'GET /document-templates': { body: { items: [quote] } },
      'POST /documents': (request) => ({ status: 201, body: { ...meta('doc1'), title: 'Quote', ...(request.body as object) } }),
    });
    renderScreen(<DocumentsPanel collection="deals" id="d1" />, { api });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('combobox', { name: 'From template' }));
    await user.click(await screen.findByRole('option', { name: 'Quote' }));
    await user.click(screen.getByRole('button', { name: 'Create' }));

    // Assess
    await waitFor(() => expect(api.sent.filter((request) => request.method === 'POST').map((request) => request.body)).toEqual([{ templateId: 't1', entityType: 'deal', entityId: 'd1' }]));
  });

  it('shows what a template made, in a sandboxed frame, when asked', async () => {
    // Prepare
    const api = scriptedApi({
      'GET /documents': { body: { items: [{ ...meta('doc1'), title: 'Quote: Heat pump', templateId: 't1', entityType: 'deal', entityId: 'd1', body: '<h1>Heat pump</h1>' }] } },
      'GET /document-templates': { body: { items: [quote] } },
    });
    renderScreen(<DocumentsPanel collection="deals" id="d1" />, { api });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'Read' }));

    // Assess
    const frame = screen.getByTitle('Document Quote: Heat pump');
    expect([frame.tagName, frame.getAttribute('sandbox'), frame.getAttribute('srcdoc')]).toEqual(['IFRAME', '', '<h1>Heat pump</h1>']);
    expect(within(screen.getByRole('list')).getByRole('button', { name: 'Hide' }).getAttribute('aria-expanded')).toBe('true');
  });
});
