import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { TargetRefused, createWebhookSender, refusedAddress, resolveTarget } from '#shared/webhooks/outbound.ts';
import { signWebhook, verifyWebhook } from '#shared/webhooks/signature.ts';

describe('the AWS address policy (no loopback, private or link-local targets)', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.5',
    '172.16.3.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:10.0.0.1',
    '::ffff:127.0.0.1',
  ])('refuses %s', (address) => {
    expect(refusedAddress(address)).toMatch(/private, loopback or link-local/);
  });

  it.each(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '8.8.8.8'])('allows the public address %s', (address) => {
    expect(refusedAddress(address)).toBeUndefined();
  });

  it('refuses a host name that resolves to loopback, after resolving it', async () => {
    await expect(resolveTarget(new URL('http://localhost:9/hook'))).rejects.toBeInstanceOf(TargetRefused);
  });

  it('refuses schemes other than http and https', async () => {
    await expect(resolveTarget(new URL('file:///etc/passwd'))).rejects.toThrow(/only http and https/);
  });

  it('lets local mode call loopback only', () => {
    expect(refusedAddress('127.0.0.1', { allowLoopback: true })).toBeUndefined();
    expect(refusedAddress('10.0.0.1', { allowLoopback: true })).toMatch(/private/);
  });
});

describe('a webhook request', () => {
  it('does not follow a redirect, even to an allowed address', async () => {
    // Prepare: a receiver that redirects
    let hits = 0;
    const server = createServer((_request, response) => {
      hits += 1;
      response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    try {
      // Act
      const response = await createWebhookSender({ allowLoopback: true })({ url: `http://127.0.0.1:${port}/`, method: 'POST', headers: {}, body: '{}', timeoutMs: 2000 });

      // Assess
      expect(response.status).toBe(302);
      expect(hits).toBe(1);
    } finally {
      server.close();
    }
  });
});

describe('the signature', () => {
  const body = '{"deal":"01J"}';
  const at = new Date('2026-11-30T12:00:00Z');

  it('verifies with the secret and the time it was made', () => {
    const header = signWebhook('whsec_test', body, at);

    expect(header).toMatch(/^t=1796040000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook('whsec_test', body, header, at)).toBe(true);
  });

  it('fails for another body, another secret, or an old timestamp', () => {
    const header = signWebhook('whsec_test', body, at);

    expect(verifyWebhook('whsec_test', `${body} `, header, at)).toBe(false);
    expect(verifyWebhook('whsec_other', body, header, at)).toBe(false);
    expect(verifyWebhook('whsec_test', body, header, new Date(at.getTime() + 600_000))).toBe(false);
  });
});
