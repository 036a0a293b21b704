// A TCP load balancer on loopback, the stand-in for the reverse proxy in front of a service's
// replicas: each new connection goes to the next replica in turn, and to the one after it when
// that one refuses (a replica that is down or restarting). Connections in flight to a replica
// that dies are cut, as a real proxy would cut them.

import { connect, createServer, type Server, type Socket } from 'node:net';

const HOST = '127.0.0.1';
const CONNECT_TIMEOUT_MS = 2_000;

export interface Balancer {
  url: string;
  port: number;
  /** Connections that found no replica answering. */
  refused(): number;
  close(): Promise<void>;
}

export async function startBalancer(port: number, backends: () => number[]): Promise<Balancer> {
  let next = 0;
  let refused = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.pause();
    const ports = backends();
    const start = next++;
    const attempt = (tried: number) => {
      if (tried >= ports.length) {
        refused += 1;
        client.destroy();
        return;
      }
      const upstream = connect({ host: HOST, port: ports[(start + tried) % ports.length]! });
      upstream.setTimeout(CONNECT_TIMEOUT_MS);
      const fail = () => {
        upstream.destroy();
        attempt(tried + 1);
      };
      upstream.once('error', fail);
      upstream.once('timeout', fail);
      upstream.once('connect', () => {
        upstream.off('error', fail);
        upstream.off('timeout', fail);
        upstream.setTimeout(0);
        sockets.add(upstream);
        upstream.once('close', () => sockets.delete(upstream));
        client.pipe(upstream);
        upstream.pipe(client);
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
        client.once('close', () => upstream.destroy());
        client.resume();
      });
    };
    attempt(0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: HOST, exclusive: true }, () => resolve());
  });
  const bound = (server.address() as { port: number }).port;
  return {
    url: `http://${HOST}:${bound}`,
    port: bound,
    refused: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
