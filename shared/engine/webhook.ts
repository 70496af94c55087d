// The callWebhook action: one signed HTTP request per attempt, built from a template or the record. A 5xx,
// 429 or an unreachable target is retried by the state machine's Retry (WebhookUnavailable), never in code;
// any other answer outside 2xx fails the step with what the target said. A named step keeps the response for
// the run's later steps.
import type { Entity } from '#shared/domain/entities.ts';
import type { FieldIssue } from '#shared/errors.ts';
import { WebhookUnavailable } from '#shared/automation/run-errors.ts';
import type { Store } from '#shared/store/index.ts';
import { TargetRefused, TargetUnreachable, type WebhookSender } from '#shared/webhooks/outbound.ts';
import { SIGNATURE_HEADER, signWebhook } from '#shared/webhooks/signature.ts';
import { type ActionConfig, type StepContext, StepFailed, type StepOutcome, type WebhookRequest, keptText, stepScope } from './step-outcome.ts';

/** How much of a response the run log keeps. */
const EXCERPT = 1000;
/** How much of a JSON response later steps may read. */
const KEPT_RESPONSE = 32 * 1024;

export class WebhookRefused extends Error {
  override readonly name = 'Stagecraft.WebhookRefused';
}

function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A URL as the run log (a step's line, its request, a failure's cause) shows it: its user info and query may carry
 * credentials (`?token=`), so only scheme, host and path are kept, and the names of the query's parameters. The
 * path is kept: it is the automation's own, as its definition shows it. A URL that does not parse is not called.
 */
function shownUrl(url: string): { url: string; query?: string[] } {
  if (!URL.canParse(url)) return { url: '(not a URL)' };
  const parsed = new URL(url);
  const query = [...new Set(parsed.searchParams.keys())];
  return { url: `${parsed.protocol}//${parsed.host}${parsed.pathname}`, ...(query.length > 0 ? { query } : {}) };
}

/** The request as the run log keeps it: header values (`Authorization`) and the signature are left out too. */
function loggedRequest(request: { method: string; url: string; body: string }, headerNames: string[], signed: boolean): WebhookRequest {
  const body = keptText(request.body);
  return {
    method: request.method,
    ...shownUrl(request.url),
    ...(headerNames.length > 0 ? { headers: headerNames } : {}),
    signed,
    body: body.text,
    ...(body.truncated ? { truncated: body.truncated } : {}),
  };
}

export function createCallWebhook(deps: { store: Store; send: WebhookSender }) {
  return async function callWebhook(action: ActionConfig, ctx: StepContext, entity: Entity): Promise<StepOutcome> {
    const method = (action.method as 'POST' | 'PUT' | 'PATCH' | undefined) ?? 'POST';
    const url = String(action.url).trim();
    let body: string;
    if (typeof action.body === 'string') {
      body = action.body;
      if (parsedJson(body) === undefined) throw new StepFailed(`the body did not render to JSON (use the json filter for values): ${body.slice(0, 200)}`);
    } else {
      body = JSON.stringify({ automation: { id: ctx.automationId, name: ctx.automationName }, run: { id: ctx.runId, step: ctx.stepIndex }, entityType: ctx.entityType, entity });
    }
    const headers: Record<string, string> = {
      ...((action.headers as Record<string, string> | undefined) ?? {}),
      'content-type': 'application/json',
      'user-agent': 'Stagecraft-Webhooks/1',
      // The same for every attempt of the step, and another automation's step on the same event has its own: a
      // receiver that saw it already can answer 2xx and do nothing.
      'idempotency-key': `${ctx.automationId}-${ctx.runId}-${ctx.stepIndex}`,
    };
    if (typeof action.secretId === 'string') {
      const secret = await deps.store.webhooks.secretValue(action.secretId);
      if (!secret) throw new StepFailed(`the webhook secret ${action.secretId} no longer exists`);
      // Real time, not local mode's moved clock: the receiver compares it with its own.
      headers[SIGNATURE_HEADER] = signWebhook(secret, body, new Date());
    }
    // Lines and causes name the URL without what may carry credentials.
    const shown = shownUrl(url).url;
    const timeoutMs = (typeof action.timeoutSeconds === 'number' ? action.timeoutSeconds : 10) * 1000;
    let response;
    try {
      response = await deps.send({ url, method, headers, body, timeoutMs });
    } catch (error) {
      if (error instanceof TargetRefused) throw new WebhookRefused(error.message);
      if (error instanceof TargetUnreachable) throw new WebhookUnavailable(`${method} ${shown}: ${error.message}`);
      if (error instanceof TypeError) throw new WebhookRefused(`${shown} is not a URL that can be called: ${error.message}`);
      throw error;
    }
    const excerpt = response.body.slice(0, EXCERPT);
    const said = `${method} ${shown} answered ${response.status}`;
    // A failed step keeps no outcome, only its cause: what was sent goes there, so the receiver's complaint can be
    // read beside the request it was about (the body only, as a success keeps it; never headers or the signature).
    const sent = ` (the body sent: ${body.slice(0, EXCERPT)}${body.length > EXCERPT ? '…' : ''})`;
    if (response.status >= 500 || response.status === 429) throw new WebhookUnavailable(`${said}: ${excerpt}${sent}`);
    if (response.status >= 300 && response.status < 400) throw new WebhookRefused(`${said} (redirects are not followed): ${response.headers.location ?? ''}`);
    if (response.status >= 400 || response.status < 200) throw new WebhookRefused(`${said}: ${excerpt}${sent}`);
    if (typeof action.name === 'string') {
      const json = response.body.length <= KEPT_RESPONSE ? parsedJson(response.body) : undefined;
      await deps.store.webhooks.putResult(stepScope(ctx), action.name, { status: response.status, response: json ?? response.body.slice(0, KEPT_RESPONSE) });
    }
    const request = loggedRequest({ method, url, body }, Object.keys((action.headers as Record<string, string> | undefined) ?? {}), typeof action.secretId === 'string');
    return { result: 'changed', done: said, webhook: { status: response.status, response: excerpt, request } };
  };
}

/** Save-time checks: each signing secret exists, and no two webhook steps share a name. */
export async function webhookIssues(store: Store, actions: ReadonlyArray<{ action: { type: string }; path: Array<string | number> }>): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const names = new Set<string>();
  for (const { action, path } of actions) {
    if (action.type !== 'callWebhook') continue;
    const { secretId, name } = action as { secretId?: string; name?: string };
    if (secretId && !(await store.webhooks.secretValue(secretId))) issues.push({ path: [...path, 'secretId'].join('.'), message: `no webhook secret ${secretId} (Settings → Webhook secrets, or POST /webhook-secrets, makes one)` });
    if (name && names.has(name)) issues.push({ path: [...path, 'name'].join('.'), message: `another webhook step is named ${name}` });
    if (name) names.add(name);
  }
  return issues;
}
