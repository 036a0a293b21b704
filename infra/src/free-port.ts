import getPort from 'get-port';

/**
 * A TCP port that is free on 127.0.0.1 right now: `preferred` when it is free, otherwise any.
 * get-port also keeps ports it handed out reserved for a while inside this process, so two
 * servers started one after the other do not get the same port.
 */
export async function freePort(preferred?: number): Promise<number> {
  return getPort({ host: '127.0.0.1', ...(preferred === undefined ? {} : { port: preferred }) });
}

/** Like freePort, but fails when `port` is taken instead of picking another one. */
export async function requirePort(port: number, what: string): Promise<number> {
  const got = await freePort(port);
  if (got !== port) {
    throw new Error(`port ${port} for ${what} is already in use: stop what uses it or choose another port`);
  }
  return port;
}
