import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Forwarder {
  /** host:port to give a process instead of the real address. */
  readonly address: string;
  /** Forward new connections to this target; undefined: refuse them (as if nothing were there). */
  forwardTo(target: string | undefined): void;
  close(): Promise<void>;
}

/**
 * A loopback TCP forwarder that refuses connections until it is told where to forward them: a
 * dependency (Temporal) away when a process starts, then there, without stopping the real one.
 */
export async function startForwarder(): Promise<Forwarder> {
  let target: { host: string; port: number } | undefined;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (!target) return void client.destroy();
    const upstream = connect(target);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    forwardTo(address) {
      if (!address) return void (target = undefined);
      const at = address.lastIndexOf(':');
      target = { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
