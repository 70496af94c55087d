// The console's API client and the local sign-in.
import { describe, expect, it } from 'vitest';
import { ApiError, createApiClient, describeError } from './api';
import { captureTokenFromUrl, storedToken } from './auth';

describe('captureTokenFromUrl', () => {
  it('keeps the token of the sign-in link in session storage and takes it off the address bar', () => {
    window.history.replaceState(null, '', '/console/pipelines/sales#token=sc_user_abc');

    const captured = captureTokenFromUrl();

    expect(captured).toBe(true);
    expect(storedToken()).toBe('sc_user_abc');
    expect(window.location.hash).toBe('');
    expect(window.location.pathname).toBe('/console/pipelines/sales');
  });

  it('leaves things as they are without a token in the link', () => {
    window.history.replaceState(null, '', '/console/');

    expect(captureTokenFromUrl()).toBe(false);
    expect(storedToken()).toBeUndefined();
  });
});

describe('createApiClient', () => {
  it('sends the bearer token and If-Match, and turns an error reply into an ApiError with its details', async () => {
    const seen: RequestInit[] = [];
    const client = createApiClient(async () => 'tok', {
      fetch: (async (_url: string, init: RequestInit) => {
        seen.push(init);
        return new Response(JSON.stringify({ error: { code: 'VALIDATION_FAILED', message: 'Invalid body', details: [{ path: 'body.amount', message: 'must be positive' }] } }), { status: 400 });
      }) as typeof fetch,
    });

    const error = await client.request('/deals/d1', { method: 'PATCH', body: { amount: -1 }, ifMatch: 7 }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('VALIDATION_FAILED');
    expect(describeError(error)).toBe('Invalid body (body.amount: must be positive)');
    expect(seen[0]?.headers).toMatchObject({ authorization: 'Bearer tok', 'if-match': '"7"', 'content-type': 'application/json' });
  });

  it('says a refusal once when the API names the fields in its message', () => {
    // Prepare
    const error = new ApiError(400, 'VALIDATION_FAILED', 'body.amount: must be positive; title: required', [
      { path: 'body.amount', message: 'must be positive' },
      { path: 'title', message: 'required' },
    ]);

    // Act
    const said = describeError(error);

    // Assess
    expect(said).toBe('body.amount: must be positive; title: required');
  });

  it('says the API cannot be reached when the network fails', async () => {
    const client = createApiClient(async () => undefined, { fetch: (async () => Promise.reject(new TypeError('fetch failed'))) as typeof fetch });

    const error = await client.request('/deals').catch((caught: unknown) => caught);

    expect((error as ApiError).code).toBe('NETWORK');
  });
});
