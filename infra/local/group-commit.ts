// Group commit for a client of DynamoDB Local: transactions that would wait for one already on its way go together.
//
// DynamoDB Local costs ~1.7–2.1 ms of JVM CPU per item of a two-item TransactWriteItems, and ~1.0–1.2 ms per item
// when ten such transactions travel as one (and ~0.4 → 0.15 ms of node's CPU per item), with one COMMIT instead
// of ten (docs/local-performance.md, "Group commit"). So while a client's transaction is in flight, the
// transactions its callers send meanwhile queue, and go as one TransactWriteItems when it returns. At light load
// nothing waits (a transaction goes at once when none is in flight); under load, the more is waiting, the cheaper
// each becomes — what lets local mode catch up with a backlog instead of falling further behind.
//
// Each caller still gets its own answer, as if its transaction had gone alone:
// - transactions are merged only when their items are distinct (DynamoDB refuses two operations on one item in a
//   transaction, and a caller's conditions must see the store without the others' writes); at most 100 items and
//   ~1 MB in all; never one that asks for more than its items (consumed capacity, collection metrics); the merged
//   request carries a ClientRequestToken of its own, as each did, so that the SDK's retries stay idempotent;
// - atomic as before: one transaction of all or none, so each caller's own items are all written or none;
// - a cancellation is split back: a caller whose items have a reason other than `None` gets a
//   TransactionCanceledException with its own reasons (the items that failed, as DynamoDB reports them); the
//   others were cancelled only because they travelled with it, and are sent again, each alone;
// - a request refused whole (a ValidationException: nothing was written) sends each again alone, so that each gets
//   the answer its own request earns; any other failure (DynamoDB Local gone, a timeout after the SDK's retries)
//   reaches every caller of the group, as it could have reached each alone.
// Local adapter only: on AWS each Lambda sends its own transactions (DESIGN §9, same handlers either way).
import { randomUUID } from 'node:crypto';
import { type CancellationReason, type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { keyAttributes } from '#shared/store/table.ts';

type Attribute = Record<string, unknown>;

/** One element of TransactItems, as the JSON protocol sends it. */
interface TransactItem {
  Put?: { TableName?: string; Item?: Record<string, Attribute> };
  Update?: { TableName?: string; Key?: Record<string, Attribute> };
  Delete?: { TableName?: string; Key?: Record<string, Attribute> };
  ConditionCheck?: { TableName?: string; Key?: Record<string, Attribute> };
}

/** The HTTP request the build step sees (the SDK's HttpRequest; only what is read or replaced here). */
interface Request {
  headers: Record<string, string>;
  body?: unknown;
}
interface Args {
  input: object;
  request: unknown;
}
interface Output {
  output: { $metadata: object };
  response: unknown;
}
type Next = (args: Args) => Promise<Output>;

interface Member {
  args: Args;
  next: Next;
  items: TransactItem[];
  /** The items' table and key, one string each. */
  keys: string[];
  bytes: number;
  resolve(output: Output): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** @default 100 — DynamoDB's limit of items in one transaction. */
  maxItems?: number;
  /** @default 1 MiB — a merged request's body at most (DynamoDB allows 4 MB in all). */
  maxBytes?: number;
  /** Told of each merged send: how many transactions went as one. */
  onMerged?: (transactions: number) => void;
}

/** The item's table and key, or undefined when it cannot be told (such a transaction goes alone). */
function keyOf(item: TransactItem): string | undefined {
  const operation = item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck;
  if (!operation?.TableName) return undefined;
  const key = item.Put ? item.Put.Item : (operation as { Key?: Record<string, Attribute> }).Key;
  const pk = key?.[keyAttributes.pk];
  const sk = key?.[keyAttributes.sk];
  if (pk === undefined || sk === undefined) return undefined;
  return `${operation.TableName}\u0000${JSON.stringify(pk)}\u0000${JSON.stringify(sk)}`;
}

/** The transaction a request carries, when it may travel with others. */
function mergeable(body: unknown): { items: TransactItem[]; keys: string[] } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  // The SDK gives every transaction a ClientRequestToken of its own (for its retries); nothing else may be asked.
  if (Object.keys(body).some((field) => field !== 'TransactItems' && field !== 'ClientRequestToken')) return undefined;
  const items = (body as { TransactItems: unknown }).TransactItems;
  if (!Array.isArray(items) || items.length === 0) return undefined;
  const keys: string[] = [];
  for (const item of items as TransactItem[]) {
    const key = keyOf(item);
    if (key === undefined) return undefined;
    keys.push(key);
  }
  // A request that names one item twice is refused by DynamoDB: let it go alone and be refused as it is.
  return new Set(keys).size === keys.length ? { items: items as TransactItem[], keys } : undefined;
}

/** A request body as text: the SDK's serializer gives a string or bytes (a Uint8Array that warns when read as a string). */
export function bodyText(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return undefined;
}

function cancelledWith(error: TransactionCanceledException, reasons: CancellationReason[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((reason) => reason.Code ?? 'None').join(', ')}]`,
    $metadata: error.$metadata,
    CancellationReasons: reasons,
  });
}

/** Adds group commit to `client`'s TransactWriteItems (its own calls and a DocumentClient's on it). */
export function groupCommits<T extends DynamoDBClient>(client: T, options: GroupCommitOptions = {}): T {
  const maxItems = options.maxItems ?? 100;
  const maxBytes = options.maxBytes ?? 2 ** 20;
  const queue: Member[] = [];
  let sending = false;

  async function sendAlone(member: Member): Promise<void> {
    await member.next(member.args).then(member.resolve, member.reject);
  }

  async function sendTogether(members: Member[]): Promise<void> {
    const [first] = members as [Member, ...Member[]];
    const request = first.args.request as Request;
    // A token of its own, so that the SDK's retries of the merged request stay idempotent as each one's were.
    const body = JSON.stringify({ TransactItems: members.flatMap((member) => member.items), ClientRequestToken: randomUUID() });
    // A copy of the first's request with the merged body (the SDK's HttpRequest is told apart by its fields).
    const merged: Request = { ...request, headers: { ...request.headers, 'content-length': String(Buffer.byteLength(body)) }, body };
    options.onMerged?.(members.length);
    let result: Output;
    try {
      result = await first.next({ ...first.args, request: merged });
    } catch (error) {
      await answerFailure(members, error);
      return;
    }
    for (const member of members) member.resolve({ response: result.response, output: { $metadata: result.output.$metadata } });
  }

  /** Answers each member of a group whose merged request failed (the rules at the top of this file). */
  async function answerFailure(members: Member[], error: unknown): Promise<void> {
    // Refused whole, nothing written: each goes again alone, to get the answer its own request earns.
    const refused = error instanceof Error && error.name === 'ValidationException';
    const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
    const items = members.reduce((count, member) => count + member.items.length, 0);
    if (refused || (error instanceof TransactionCanceledException && reasons.length !== items)) {
      for (const member of members) await sendAlone(member);
      return;
    }
    // Anything else (DynamoDB Local gone, a timeout after the SDK's retries) may or may not have been applied,
    // as it could have been for each alone: each caller hears it.
    if (!(error instanceof TransactionCanceledException)) {
      for (const member of members) member.reject(error);
      return;
    }
    // Cancelled: a caller whose own items carry a reason hears it; the others travelled with it, and go again alone.
    let offset = 0;
    const again: Member[] = [];
    for (const member of members) {
      const own = reasons.slice(offset, offset + member.items.length);
      offset += member.items.length;
      if (own.every((reason) => (reason.Code ?? 'None') === 'None')) again.push(member);
      else member.reject(cancelledWith(error, own));
    }
    for (const member of again) await sendAlone(member);
  }

  /**
   * The queue's head, and after it every waiting transaction that fits with it (distinct items, the limits). One left
   * waiting holds its items back: no later transaction on them goes before it, so each item's writes keep the order
   * in which they were sent.
   */
  function nextGroup(): Member[] {
    const group = [queue.shift()!];
    const keys = new Set(group[0]!.keys);
    const heldBack = new Set<string>();
    let items = group[0]!.items.length;
    let bytes = group[0]!.bytes;
    for (let index = 0; index < queue.length; ) {
      const member = queue[index]!;
      const fits =
        items + member.items.length <= maxItems && bytes + member.bytes <= maxBytes && member.keys.every((key) => !keys.has(key) && !heldBack.has(key));
      if (!fits) {
        for (const key of member.keys) heldBack.add(key);
        index += 1;
        continue;
      }
      queue.splice(index, 1);
      group.push(member);
      for (const key of member.keys) keys.add(key);
      items += member.items.length;
      bytes += member.bytes;
    }
    return group;
  }

  async function drain(): Promise<void> {
    sending = true;
    try {
      while (queue.length > 0) {
        const group = nextGroup();
        await (group.length === 1 ? sendAlone(group[0]!) : sendTogether(group));
      }
    } finally {
      sending = false;
    }
  }

  const middleware =
    (next: Next, context: { commandName?: string }) =>
    async (args: Args): Promise<Output> => {
      const request = args.request as Request | undefined;
      if (context.commandName !== 'TransactWriteItemsCommand' || typeof request?.headers !== 'object') return next(args);
      const body = bodyText(request.body);
      if (body === undefined) return next(args);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return next(args);
      }
      const transaction = mergeable(parsed);
      if (!transaction) return next(args);
      return new Promise<Output>((resolve, reject) => {
        queue.push({ args, next, ...transaction, bytes: body.length, resolve, reject });
        if (!sending) void drain();
      });
    };
  client.middlewareStack.add(middleware as never, { step: 'build', priority: 'high', name: 'groupCommits', override: true });
  return client;
}
