import { createServer } from 'node:net';
import getPort, { portNumbers } from 'get-port';

const HOST = '127.0.0.1';

/**
 * A TCP port that is free on 127.0.0.1 right now: `preferred` when it is free, otherwise any.
 * get-port also keeps ports it handed out reserved for a while inside this process, so two
 * servers started one after the other do not get the same port.
 */
export async function freePort(preferred?: number): Promise<number> {
  return getPort({ host: HOST, ...(preferred === undefined ? {} : { port: preferred }) });
}

/** Returns `port` when nothing listens on it; fails, naming `what`, when it is taken. */
export async function requirePort(port: number, what: string): Promise<number> {
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new Error(`port ${port} for ${what} is already in use: stop what uses it or choose another port`);
  }
  return port;
}

/** A free TCP port on 127.0.0.1 in [from, to], the first free one from `from` on. */
export async function freePortInRange(from: number, to: number): Promise<number> {
  const port = await getPort({ host: HOST, port: portNumbers(from, to) });
  if (port < from || port > to) throw new Error(`no free port between ${from} and ${to}`);
  return port;
}
