import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export interface PaymentsProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The payment service as operators run it (`node apps/payment-service/src/main.ts`, its worker
 * included), with these variables over the test's environment; resolves once it listens.
 */
export async function startPaymentsProcess(env: Record<string, string>): Promise<PaymentsProcess> {
  const child = spawn(process.execPath, ['apps/payment-service/src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', WORKER_ENABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const started = new Promise<void>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (chunk.toString().includes('payment-service listening on')) resolve();
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    void exited.then(({ code }) => reject(new Error(`the payment service exited (${code}) before it started:\n${output.join('')}`)));
  });
  await started;
  return { child, output, exited };
}
