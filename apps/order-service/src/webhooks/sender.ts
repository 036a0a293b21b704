/**
 * One POST of one event to a receiver: to a checked address only (address-guard.ts), never
 * following a redirect (a 3xx is an answer that did not accept the event), within a time limit
 * that covers connecting, sending and reading the answer, of which only the start is kept.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupAddress } from 'node:dns';
import { checkedAddresses, RefusedAddressError } from './address-guard.ts';
import type { HostLookup } from './settings.ts';

const KEPT_ANSWER_BYTES = 1_000;

export interface PostOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
  lookup?: HostLookup | undefined;
}

/** The receiver answered (any status), or it could not be reached (`error` says why). */
export type PostResult = { status: number; body: string } | { error: string };

export async function postEvent(options: PostOptions): Promise<PostResult> {
  const url = new URL(options.url);
  let addresses: LookupAddress[];
  try {
    addresses = await checkedAddresses(url.hostname, { allowPrivate: options.allowPrivate, lookup: options.lookup });
  } catch (error) {
    if (error instanceof RefusedAddressError) return { error: `refused: ${error.message}` };
    throw error;
  }
  const pinned = addresses[0]!;
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...options.headers, 'Content-Length': Buffer.byteLength(options.body).toString() },
        // The connection goes to the address that was checked, whatever DNS would answer now.
        lookup: (_hostname, lookupOptions, callback) => {
          if (lookupOptions.all) callback(null, [pinned]);
          else callback(null, pinned.address, pinned.family);
        },
        agent: false,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept >= KEPT_ANSWER_BYTES) return;
          chunks.push(chunk);
          kept += chunk.length;
        });
        res.on('end', () =>
          finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, KEPT_ANSWER_BYTES) }),
        );
        res.on('error', (error) => finish({ error: `the answer broke off: ${error.message}` }));
        res.on('aborted', () => finish({ error: 'the receiver closed the connection mid-answer' }));
      },
    );
    const timer = setTimeout(() => {
      finish({ error: `no answer within ${options.timeoutMs} ms` });
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish({ error: error.code === 'ECONNRESET' ? 'the receiver closed the connection' : `${error.code ?? 'error'}: ${error.message}` }),
    );
    req.end(options.body);
  });
}
