// Server-side filters of the console's board and lists (docs/ARCHITECTURE.md §8): deals by responsible person
// and text (title or contact name), deals of a contact or a company, text search on contacts, companies and
// leads, and a pipeline's totals per stage under the same filters — against DynamoDB Local.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { companyBody, contactBody, dealBody, errorPaths, leadBody, listAll, must, pipelineBody, unique } from '#test/support/http-factories.ts';

let t: TestApp;
const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);

beforeAll(async () => {
  t = await createTestApp();
});

/** A pipeline of its own, so a filter test sees only its deals. */
async function freshPipeline(): Promise<string> {
  const pipeline = await must(t, 'POST', '/pipelines', pipelineBody());
  return pipeline.id;
}

describe('GET /deals?q', () => {
  it('finds deals by a word of the title, whatever its case and accents', async () => {
    const pipelineId = await freshPipeline();
    const found = await must(t, 'POST', '/deals', dealBody({ pipelineId, title: 'Solar roof for Müller' }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId, title: 'Heat pump' }));

    const page = await t.call('GET', `/deals?pipelineId=${pipelineId}&q=${encodeURIComponent('  MULLER ')}`);

    expect(page.status).toBe(200);
    expect(ids(page.body.items)).toEqual([found.id]);
  });

  it("finds deals by their contact's name (a rename reaches them through the event path: deal-search.test.ts)", async () => {
    const pipelineId = await freshPipeline();
    const contact = await must(t, 'POST', '/contacts', contactBody({ name: 'Greta Garbo' }));
    const deal = await must(t, 'POST', '/deals', dealBody({ pipelineId, title: 'Windows', contactId: contact.id }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId, title: 'Doors' }));

    const found = await t.call('GET', `/deals?pipelineId=${pipelineId}&q=garbo`);

    expect(ids(found.body.items)).toEqual([deal.id]);
  });

  it('does not show the search text in the record', async () => {
    const pipelineId = await freshPipeline();
    const deal = await must(t, 'POST', '/deals', dealBody({ pipelineId, title: 'Plain' }));

    const read = await t.call('GET', `/deals/${deal.id}`);

    expect(Object.keys(read.body)).not.toContain('search');
  });

  it('pages matches of a column with a cursor, each match once', async () => {
    const pipelineId = await freshPipeline();
    const matching = [];
    for (let i = 0; i < 5; i++) {
      matching.push(await must(t, 'POST', '/deals', dealBody({ pipelineId, stageId: 'new', title: `Boiler ${i}` })));
      await must(t, 'POST', '/deals', dealBody({ pipelineId, stageId: 'new', title: `Chimney ${i}` }));
    }

    const all = await listAll(t, `/deals?pipelineId=${pipelineId}&stageId=new&q=boiler&limit=2`);

    expect(ids(all)).toEqual(ids(matching).reverse());
  });

  it('answers 400 naming q when it holds nothing to search for', async () => {
    const blank = await t.call('GET', '/deals?q=%20%20');
    const long = await t.call('GET', `/deals?q=${'x'.repeat(101)}`);

    expect(blank.status).toBe(400);
    expect(errorPaths(blank)).toEqual(['query.q']);
    expect(long.status).toBe(400);
    expect(errorPaths(long)).toEqual(['query.q']);
  });
});

describe('GET /deals?responsibleId', () => {
  it('lists only the deals that person is responsible for', async () => {
    const pipelineId = await freshPipeline();
    const mine = await must(t, 'POST', '/deals', dealBody({ pipelineId, responsibleId: t.member.id }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId, responsibleId: t.admin.id }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId }));

    const page = await t.call('GET', `/deals?pipelineId=${pipelineId}&responsibleId=${t.member.id}`);

    expect(ids(page.body.items)).toEqual([mine.id]);
  });

  it('combines with q', async () => {
    const pipelineId = await freshPipeline();
    const wanted = await must(t, 'POST', '/deals', dealBody({ pipelineId, title: 'Gutter', responsibleId: t.member.id }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId, title: 'Gutter', responsibleId: t.admin.id }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId, title: 'Fence', responsibleId: t.member.id }));

    const page = await t.call('GET', `/deals?pipelineId=${pipelineId}&responsibleId=${t.member.id}&q=gutter`);

    expect(ids(page.body.items)).toEqual([wanted.id]);
  });

  it('answers 400 for a responsibleId that cannot be an id', async () => {
    const result = await t.call('GET', '/deals?responsibleId=no%20such!');

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['query.responsibleId']);
  });
});

describe('GET /deals?contactId and ?companyId', () => {
  it("lists a contact's deals, and drops one whose contact changes", async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());
    const other = await must(t, 'POST', '/contacts', contactBody());
    const first = await must(t, 'POST', '/deals', dealBody({ contactId: contact.id }));
    const second = await must(t, 'POST', '/deals', dealBody({ contactId: contact.id }));
    await must(t, 'POST', '/deals', dealBody({ contactId: other.id }));

    await must(t, 'PATCH', `/deals/${first.id}`, { contactId: other.id });
    const page = await t.call('GET', `/deals?contactId=${contact.id}`);

    expect(ids(page.body.items)).toEqual([second.id]);
  });

  it("lists a company's deals", async () => {
    const company = await must(t, 'POST', '/companies', companyBody());
    const deal = await must(t, 'POST', '/deals', dealBody({ companyId: company.id }));
    await must(t, 'POST', '/deals', dealBody());

    const page = await t.call('GET', `/deals?companyId=${company.id}`);

    expect(ids(page.body.items)).toEqual([deal.id]);
  });

  it('answers 400 when asked for a pipeline and a contact at once', async () => {
    const result = await t.call('GET', '/deals?pipelineId=sales&contactId=abc');

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['query.contactId']);
  });
});

describe('GET /contacts, /companies, /leads ?q', () => {
  it('finds contacts by name and by part of an e-mail', async () => {
    const tag = `zq${unique()}`;
    const byName = await must(t, 'POST', '/contacts', contactBody({ name: `Ingrid ${tag}` }));
    const byEmail = await must(t, 'POST', '/contacts', contactBody({ emails: [`${tag}@example.org`] }));
    await must(t, 'POST', '/contacts', contactBody());

    const page = await t.call('GET', `/contacts?q=${tag}`);

    expect(ids(page.body.items).sort()).toEqual([byName.id, byEmail.id].sort());
  });

  it('finds companies by name', async () => {
    const tag = `co${unique()}`;
    const company = await must(t, 'POST', '/companies', companyBody({ name: `Nordic ${tag} AB` }));

    const page = await t.call('GET', `/companies?q=${encodeURIComponent(`nordic ${tag}`)}`);

    expect(ids(page.body.items)).toEqual([company.id]);
  });

  it('finds leads by source', async () => {
    const tag = `fair${unique()}`;
    const lead = await must(t, 'POST', '/leads', leadBody({ source: `Trade ${tag}` }));

    const page = await t.call('GET', `/leads?q=${tag}`);

    expect(ids(page.body.items)).toEqual([lead.id]);
  });

  it('answers 400 when q comes with an e-mail lookup', async () => {
    const result = await t.call('GET', '/contacts?q=ann&email=ann%40example.com');

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['query.q']);
  });
});

describe('GET /pipelines/{id}/totals', () => {
  it('counts deals and sums amounts per stage and currency', async () => {
    const pipelineId = await freshPipeline();
    await must(t, 'POST', '/deals', dealBody({ pipelineId, stageId: 'new', amount: 100, currency: 'EUR' }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId, stageId: 'new', amount: 50, currency: 'EUR' }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId, stageId: 'new', amount: 7, currency: 'USD' }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId, stageId: 'won', amount: undefined, currency: undefined }));

    const totals = await t.call('GET', `/pipelines/${pipelineId}/totals`);

    expect(totals.status).toBe(200);
    expect(totals.body).toEqual({
      pipelineId,
      stages: { new: { count: 3, amounts: { EUR: 150, USD: 7 } }, won: { count: 1, amounts: {} } },
    });
  });

  it('follows a stage move and applies the filters of the board', async () => {
    const pipelineId = await freshPipeline();
    const moved = await must(t, 'POST', '/deals', dealBody({ pipelineId, stageId: 'new', title: 'Attic', amount: 10, responsibleId: t.member.id }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId, stageId: 'new', title: 'Attic', amount: 20, responsibleId: t.admin.id }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId, stageId: 'new', title: 'Cellar', amount: 40, responsibleId: t.member.id }));

    await must(t, 'PATCH', `/deals/${moved.id}`, { stageId: 'offer' });
    const totals = await t.call('GET', `/pipelines/${pipelineId}/totals?responsibleId=${t.member.id}&q=attic`);

    expect(totals.body.stages).toEqual({ offer: { count: 1, amounts: { EUR: 10 } } });
  });

  it('answers 404 for a pipeline that does not exist', async () => {
    const result = await t.call('GET', '/pipelines/nope/totals');

    expect(result.status).toBe(404);
  });
});

describe('records written before search existed', () => {
  it('are found once the store reindexes them, deals also by contact', async () => {
    const tag = `old${unique()}`;
    const contact = await must(t, 'POST', '/contacts', contactBody({ name: `Olga ${tag}` }));
    const deal = await must(t, 'POST', '/deals', dealBody({ title: `Deal of ${tag}`, contactId: contact.id }));
    for (const [type, id] of [['contact', contact.id], ['deal', deal.id]])
      await t.table.client.send(
        new UpdateCommand({ TableName: t.table.tableName, Key: { pk: `${type}#${id}`, sk: 'entity' }, UpdateExpression: 'REMOVE #s, gsi4pk, gsi4sk', ExpressionAttributeNames: { '#s': 'search' } }),
      );
    const before = await t.call('GET', `/contacts?q=${tag}`);

    await t.app.store.records.reindex();
    const contacts = await t.call('GET', `/contacts?q=${tag}`);
    const deals = await t.call('GET', `/deals?contactId=${contact.id}&q=${tag}`);

    expect(before.body.items).toEqual([]);
    expect(ids(contacts.body.items)).toEqual([contact.id]);
    expect(ids(deals.body.items)).toEqual([deal.id]);
  });
});
