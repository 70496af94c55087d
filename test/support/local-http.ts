// Driving a started local system over HTTP, as its users do.
import type { LocalSystem } from '#infra/local/system.ts';

export interface HttpReply {
  status: number;
  body: any;
}

/** Calls the API of `system()` as the admin (or with an API key); JSON in and out. */
export function httpClient(system: () => LocalSystem) {
  return async function http(method: string, path: string, body?: unknown, apiKey?: string): Promise<HttpReply> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (apiKey) headers['x-api-key'] = apiKey;
    else headers.authorization = `Bearer ${system().credentials.adminToken}`;
    const response = await fetch(`${system().http.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** Polls until `check` returns a value (the event flow is asynchronous), or fails after ~15 s. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> {
  for (let attempt = 0; attempt < 150; attempt++) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The admin's calls to a running local system: the reply's JSON body, or an error naming the status and body. */
export function adminApi(system: () => LocalSystem) {
  return async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${system().http.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${system().credentials.adminToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** Statuses a run ends in. */
const ENDED = ['SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED', 'LOOP_STOPPED'];

/** Automations over the API of a started local system: save one and wait until it is deployed, run it, wait for a run. */
export function automationClient(http: ReturnType<typeof httpClient>) {
  async function anAutomation(definition: Record<string, unknown>): Promise<string> {
    const created = await http('POST', '/automations', definition);
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
    await eventually('provisioning', async () => (await http('GET', `/automations/${created.body.id}`)).body.provisioning === 'ready');
    return created.body.id as string;
  }

  /**
   * The run once it has ended; with `stepsLogged`, also once its step log has a step and none still running (the
   * run record and the step log are written apart).
   */
  async function finished(automationId: string, runId: string, options: { stepsLogged?: boolean } = {}) {
    return eventually(`run ${runId} to end`, async () => {
      const run = (await http('GET', `/automations/${automationId}/runs/${encodeURIComponent(runId)}`)).body;
      const steps: Array<{ status: string }> = run.steps ?? [];
      const logged = !options.stepsLogged || (steps.length > 0 && steps.every((step) => step.status !== 'RUNNING' && step.status !== 'WAITING'));
      return ENDED.includes(run.status) && logged && run;
    });
  }

  async function manualRun(automationId: string, entityType: string, entityId: string, options: { stepsLogged?: boolean } = {}) {
    const started = await http('POST', `/automations/${automationId}/runs`, { entityType, entityId });
    if (started.status !== 202) throw new Error(`POST /automations/${automationId}/runs: ${started.status} ${JSON.stringify(started.body)}`);
    return finished(automationId, started.body.runId, options);
  }

  return { anAutomation, finished, manualRun, ended: ENDED };
}
