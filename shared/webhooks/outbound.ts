// Outbound HTTP for the callWebhook action, with the safety an automation platform owes its network: the
// target's addresses are resolved and checked before connecting, and the connection goes to the checked
// address (a DNS answer cannot change in between); redirects are never followed. On AWS nothing private,
// loopback or link-local is reachable; local mode may allow loopback, for receivers on the same machine.
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';

export interface OutboundPolicy {
  /** Local mode: let 127.0.0.0/8 and ::1 through (nothing else private). @default false */
  allowLoopback?: boolean;
}

export interface WebhookRequest {
  url: string;
  method: 'POST' | 'PUT' | 'PATCH';
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface WebhookResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type WebhookSender = (request: WebhookRequest) => Promise<WebhookResponse>;

/** A target refused by policy: a private, loopback, link-local or otherwise internal address. */
export class TargetRefused extends Error {
  override readonly name = 'TargetRefused';
}

/** The target could not be reached or did not answer in time: worth another attempt. */
export class TargetUnreachable extends Error {
  override readonly name = 'TargetUnreachable';
}

function internalRanges(allowLoopback: boolean): BlockList {
  const list = new BlockList();
  const v4: Array<[string, number]> = [
    ['0.0.0.0', 8], // "this network"
    ['10.0.0.0', 8],
    ['100.64.0.0', 10], // carrier-grade NAT
    ['169.254.0.0', 16], // link-local, the instance metadata service among them
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15], // benchmarking
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved, broadcast
  ];
  if (!allowLoopback) v4.push(['127.0.0.0', 8]);
  for (const [network, prefix] of v4) {
    list.addSubnet(network, prefix, 'ipv4');
    // The same ranges written as IPv4-mapped IPv6 (::ffff:10.0.0.1).
    list.addSubnet(`::ffff:${network}`, 96 + prefix, 'ipv6');
  }
  const v6: Array<[string, number]> = [
    ['::', 128], // unspecified
    ['fc00::', 7], // unique local
    ['fe80::', 10], // link-local
    ['ff00::', 8], // multicast
    ['64:ff9b::', 96], // NAT64 of IPv4 (may reach private IPv4)
    ['2001:db8::', 32], // documentation
  ];
  if (!allowLoopback) v6.push(['::1', 128]);
  for (const [network, prefix] of v6) list.addSubnet(network, prefix, 'ipv6');
  return list;
}

/** Why an address may not be called under the policy, or undefined when it may. */
export function refusedAddress(address: string, policy: OutboundPolicy = {}): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  const blocked = internalRanges(policy.allowLoopback ?? false).check(address, family === 4 ? 'ipv4' : 'ipv6');
  return blocked ? `${address} is a private, loopback or link-local address` : undefined;
}

/** The URL's host resolved and checked: every address it resolves to must be allowed. */
export async function resolveTarget(url: URL, policy: OutboundPolicy = {}): Promise<{ address: string; family: 4 | 6 }> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TargetRefused(`only http and https URLs are called, not ${url.protocol}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let answers: Array<{ address: string; family: number }>;
  try {
    answers = isIP(host) ? [{ address: host, family: isIP(host) }] : await dnsLookup(host, { all: true, verbatim: true });
  } catch (error) {
    throw new TargetUnreachable(`${host} does not resolve: ${(error as Error).message}`);
  }
  if (answers.length === 0) throw new TargetUnreachable(`${host} does not resolve`);
  for (const answer of answers) {
    const why = refusedAddress(answer.address, policy);
    if (why) throw new TargetRefused(`${url.host} is refused: ${why}`);
  }
  const [first] = answers as [{ address: string; family: number }];
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** The sender callWebhook uses: one request, no redirects followed, the response body read up to a bound. */
export function createWebhookSender(policy: OutboundPolicy = {}, maxResponseBytes = 64 * 1024): WebhookSender {
  return async function send(request) {
    const url = new URL(request.url);
    const target = await resolveTarget(url, policy);
    const call = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<WebhookResponse>((resolve, reject) => {
      const outgoing = call(
        url,
        {
          method: request.method,
          headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body).toString() },
          timeout: request.timeoutMs,
          // Connect to the address that was checked, whatever the resolver would answer now.
          lookup: (_host, options, callback) => {
            if ((options as { all?: boolean }).all) (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [target]);
            else callback(null, target.address, target.family);
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            if (size < maxResponseBytes) chunks.push(chunk.subarray(0, maxResponseBytes - size));
            size += chunk.length;
          });
          response.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) headers[name] = String(value);
            resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
          });
          response.on('error', (error) => reject(new TargetUnreachable(`the response broke off: ${error.message}`)));
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new TargetUnreachable(`no answer within ${request.timeoutMs} ms`)));
      outgoing.on('error', (error) => reject(error instanceof TargetUnreachable ? error : new TargetUnreachable(error.message)));
      outgoing.end(request.body);
    });
  };
}
