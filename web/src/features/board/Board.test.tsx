// The board: columns with totals and their automations, and a move by the card's menu
// with If-Match, whose refusals (412, 409) the card explains.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { type Answer, type Handler, meta, people, renderScreen, salesPipeline, scriptedApi } from '../../test/render';
import { BoardPage } from './components/BoardPage';

const deal = { ...meta('d1', 3), title: 'Solar roof', pipelineId: 'sales', stageId: 'new', amount: 1200, currency: 'EUR', responsibleId: 'admin' };
const other = { ...meta('d2'), title: 'Heat pump', pipelineId: 'sales', stageId: 'new', amount: 800, currency: 'EUR' };

const dealsMatching = (q: string | null, stageId: string | null) =>
  [deal, other].filter((item) => (!stageId || item.stageId === stageId) && (!q || item.title.toLowerCase().includes(q)));

function boardApi(patchAnswer: Answer | Handler) {
  return scriptedApi({
    'GET /pipelines': { body: { items: [salesPipeline] } },
    'GET /users': { body: { items: people } },
    'GET /automations': {
      body: { items: [{ id: 'a1', name: 'Call when the contract is out', status: 'active', trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'contract' } }] },
    },
    'GET /automations/a1/runs': { body: { items: [{ runId: 'r1' }, { runId: 'r2' }] } },
    // The server's filters, as GET /deals and the board apply them (title only here).
    'GET /deals': (request) => ({ body: { items: dealsMatching(request.query.get('q'), request.query.get('stageId')) } }),
    'GET /pipelines/sales/board': (request) => ({
      body: {
        pipeline: salesPipeline,
        columns: Object.fromEntries(salesPipeline.stages.map((stage) => [stage.id, { items: dealsMatching(request.query.get('q'), stage.id) }])),
        contacts: {},
      },
    }),
    'GET /pipelines/sales/totals': (request) =>
      request.query.get('q') ? { body: { pipelineId: 'sales', stages: { new: { count: 1, amounts: { EUR: 1200 } } } } } : { body: { pipelineId: 'sales', stages: { new: { count: 2000, amounts: { EUR: 2_000_000 } } } } },
    'PATCH /deals/d1': patchAnswer,
  });
}

const renderBoard = (api: ReturnType<typeof scriptedApi>) => renderScreen(<BoardPage />, { api, path: '/pipelines/sales', route: '/pipelines/:pipelineId' });

async function moveByMenu(toStage: string) {
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: 'Move Solar roof' }));
  await user.click(await screen.findByRole('menuitem', { name: toStage }));
}

describe('BoardPage', () => {
  it("heads each column with the server's count and total over the whole pipeline, not only the cards loaded", async () => {
    renderBoard(boardApi({ body: deal }));

    const column = await screen.findByRole('region', { name: 'New' });

    await waitFor(() => expect(within(column).getByLabelText('New total').textContent).toBe('€2,000,000'));
    expect(within(column).getByLabelText('New: 2000 deals')).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Contract' })).getByLabelText('Contract: 0 deals')).toBeTruthy();
  });

  it('shows on a column head the automations that fire on entering it, with their waiting runs', async () => {
    renderBoard(boardApi({ body: deal }));

    const contract = await screen.findByRole('region', { name: 'Contract' });

    expect(await within(contract).findByRole('link', { name: 'Call when the contract is out' })).toBeTruthy();
    expect(await within(contract).findByText('2 waiting')).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'New' })).queryByText('Call when the contract is out')).toBeNull();
  });

  it('moves a deal by its menu, sending the version it shows as If-Match', async () => {
    const api = boardApi({ body: { ...deal, stageId: 'contract', version: 4 } });
    renderBoard(api);

    await moveByMenu('Contract');

    await waitFor(() => expect(api.sent.some((request) => request.method === 'PATCH')).toBe(true));
    const patch = api.sent.find((request) => request.method === 'PATCH');
    expect(patch?.headers['if-match']).toBe('"3"');
    expect(patch?.body).toEqual({ stageId: 'contract' });
  });

  it('reads the waiting runs again after a move, once its runs have had a moment to start', async () => {
    // Prepare: a run waits once the deal is in Contract.
    let moved = false;
    const api = boardApi(() => {
      moved = true;
      return { body: { ...deal, stageId: 'contract', version: 4 } };
    });
    const waiting = api.fetch;
    const scripted = { ...api, fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
      String(input).includes('/automations/a1/runs') && moved ? Promise.resolve(new Response(JSON.stringify({ items: [{ runId: 'r1' }, { runId: 'r2' }, { runId: 'r3' }] }))) : waiting(input, init)) as typeof fetch };
    renderBoard(scripted);
    const contract = await screen.findByRole('region', { name: 'Contract' });
    expect(await within(contract).findByText('2 waiting')).toBeTruthy();

    // Act
    await moveByMenu('Contract');

    // Assess
    expect(await within(contract).findByText('3 waiting', undefined, { timeout: 5_000 })).toBeTruthy();
  });

  it('moves the count and total to the new column with the card, before the server answers', async () => {
    let answer: (value: { body: unknown }) => void = () => undefined;
    const api = boardApi(() => new Promise((resolve) => (answer = resolve)));
    renderBoard(api);
    const contract = await screen.findByRole('region', { name: 'Contract' });
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'New' })).getByLabelText('New total').textContent).toBe('€2,000,000'));

    await moveByMenu('Contract');

    expect(await within(contract).findByLabelText('Contract: 1 deals')).toBeTruthy();
    expect(within(contract).getByLabelText('Contract total').textContent).toBe('€1,200');
    expect(within(screen.getByRole('region', { name: 'New' })).getByLabelText('New: 1999 deals')).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'New' })).getByLabelText('New total').textContent).toBe('€1,998,800');
    answer({ body: { ...deal, stageId: 'contract', version: 4 } });
  });

  it('on 412 refreshes the columns and says on the card why it did not move', async () => {
    const api = boardApi({ status: 412, body: { error: { code: 'VERSION_MISMATCH', message: 'version 3 is not current', details: [] } } });
    renderBoard(api);
    await screen.findByRole('article', { name: 'Deal Solar roof' });
    const readsBefore = api.sent.filter((request) => request.path === '/deals').length;

    await moveByMenu('Contract');

    const card = await screen.findByRole('article', { name: 'Deal Solar roof' });
    expect((await within(card).findByRole('alert')).textContent).toMatch(/Someone changed this deal meanwhile/);
    await waitFor(() => expect(api.sent.filter((request) => request.path === '/deals').length).toBeGreaterThan(readsBefore));
  });

  it('on 409 CONTACT_EXCEPTED shows the reason on the card', async () => {
    const api = boardApi({ status: 409, body: { error: { code: 'CONTACT_EXCEPTED', message: 'jane@example.com is on the exceptions list', details: [] } } });
    renderBoard(api);

    await moveByMenu('Closed Won');

    const card = await screen.findByRole('article', { name: 'Deal Solar roof' });
    expect((await within(card).findByRole('alert')).textContent).toContain('jane@example.com is on the exceptions list');
    expect(within(screen.getByRole('region', { name: 'New' })).getByRole('article', { name: 'Deal Solar roof' })).toBeTruthy();
  });

  it('asks the server for the deals and totals matching the text, once typing pauses', async () => {
    const api = boardApi({ body: deal });
    renderBoard(api);
    await screen.findByRole('article', { name: 'Deal Heat pump' });

    await userEvent.setup().type(screen.getByRole('searchbox', { name: 'Filter deals by title or contact' }), 'solar');

    await waitFor(() => expect(screen.queryByRole('article', { name: 'Deal Heat pump' })).toBeNull());
    expect(screen.getByRole('article', { name: 'Deal Solar roof' })).toBeTruthy();
    await waitFor(() => expect(screen.getByLabelText('New: 1 deals')).toBeTruthy());
    const asked = api.sent.filter((request) => request.query.has('q')).map((request) => `${request.path}?q=${request.query.get('q')}`);
    expect(new Set(asked)).toEqual(new Set(['/pipelines/sales/board?q=solar', '/pipelines/sales/totals?q=solar']));
  });

  it('shows every column after one request for the board, and asks for totals and automations only then', async () => {
    const api = boardApi({ body: deal });
    renderBoard(api);

    await screen.findByRole('article', { name: 'Deal Heat pump' });

    await waitFor(() => expect(api.sent.some((request) => request.path === '/pipelines/sales/totals')).toBe(true));
    const paths = api.sent.map((request) => request.path);
    expect(paths.filter((path) => path === '/deals')).toEqual([]);
    expect(paths.indexOf('/pipelines/sales/board')).toBeLessThan(paths.indexOf('/pipelines/sales/totals'));
    expect(paths.indexOf('/pipelines/sales/board')).toBeLessThan(paths.indexOf('/automations'));
  });

  it('names a card’s contact from the board request, without reading the contact', async () => {
    const withContact = { ...other, contactId: 'c1' };
    const api = scriptedApi({
      'GET /pipelines': { body: { items: [salesPipeline] } },
      'GET /users': { body: { items: people } },
      'GET /automations': { body: { items: [] } },
      'GET /pipelines/sales/totals': { body: { pipelineId: 'sales', stages: {} } },
      'GET /pipelines/sales/board': { body: { pipeline: salesPipeline, columns: { new: { items: [withContact] } }, contacts: { c1: { name: 'Ada Lovelace' } } } },
    });
    renderBoard(api);

    const card = await screen.findByRole('article', { name: 'Deal Heat pump' });

    expect(within(card).getByRole('link', { name: 'Ada Lovelace' })).toBeTruthy();
    expect(api.sent.some((request) => request.path.startsWith('/contacts'))).toBe(false);
  });

  it('opens with the filters its address names (a reload or a shared link shows the same board)', async () => {
    const api = boardApi({ body: deal });
    renderScreen(<BoardPage />, { api, path: '/pipelines/sales?q=solar&responsible=admin', route: '/pipelines/:pipelineId' });

    expect(await screen.findByRole('article', { name: 'Deal Solar roof' })).toBeTruthy();
    expect((screen.getByRole('searchbox', { name: 'Filter deals by title or contact' }) as HTMLInputElement).value).toBe('solar');
    await waitFor(() =>
      expect(api.sent.some((request) => request.path === '/pipelines/sales/board' && request.query.get('q') === 'solar' && request.query.get('responsibleId') === 'admin')).toBe(true),
    );
  });

  it('starts a new deal in this pipeline and its first stage, coming back to the board', async () => {
    renderBoard(boardApi({ body: deal }));

    const link = await screen.findByRole('link', { name: 'New deal' });

    const target = new URL(link.getAttribute('href')!, 'http://console.test');
    expect(Object.fromEntries(target.searchParams)).toEqual({ new: '1', pipelineId: 'sales', stageId: salesPipeline.stages[0]!.id, back: 'board' });
  });

  it('asks the server for one responsible person’s deals', async () => {
    const api = boardApi({ body: deal });
    renderBoard(api);
    await screen.findByRole('article', { name: 'Deal Heat pump' });
    const user = userEvent.setup();

    await user.click(screen.getByRole('combobox', { name: 'Responsible' }));
    await user.click(await screen.findByRole('option', { name: people.find((person) => person.id === 'admin')!.name }));

    await waitFor(() => expect(api.sent.some((request) => request.path === '/pipelines/sales/board' && request.query.get('responsibleId') === 'admin')).toBe(true));
    expect(api.sent.some((request) => request.path === '/pipelines/sales/totals' && request.query.get('responsibleId') === 'admin')).toBe(true);
  });

  it.each(['{Enter}', ' '])('opens the "⋯" menu from the keyboard (%s) and moves the deal with arrow keys and Enter, without picking the card up', async (key) => {
    const api = boardApi({ body: { ...deal, stageId: 'contract', version: 4 } });
    renderBoard(api);
    const user = userEvent.setup();
    const button = await screen.findByRole('button', { name: 'Move Solar roof' });
    button.focus();

    await user.keyboard(key);
    await screen.findByRole('menu');
    await user.keyboard('{ArrowDown}');
    await user.keyboard('{Enter}');

    await waitFor(() => expect(api.sent.find((request) => request.method === 'PATCH')?.body).toEqual({ stageId: 'contract' }));
    expect(screen.getByRole('status').textContent ?? '').not.toMatch(/Picked up/);
  });

  it('puts the focus back on the "⋯" button when its menu closes with Escape', async () => {
    renderBoard(boardApi({ body: deal }));
    const user = userEvent.setup();
    (await screen.findByRole('button', { name: 'Move Solar roof' })).focus();

    await user.keyboard('{Enter}');
    await screen.findByRole('menu');
    await user.keyboard('{Escape}');

    await waitFor(() => expect(screen.queryByRole('menu')).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Move Solar roof' })));
  });

  it("still picks the card itself up with Space, and announces the deal's title rather than its id", async () => {
    renderBoard(boardApi({ body: deal }));
    const user = userEvent.setup();
    (await screen.findByRole('article', { name: 'Deal Solar roof' })).focus();

    await user.keyboard(' ');

    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Picked up deal Solar roof.'));
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/Moving deal Solar roof was cancelled/));
  });
});
