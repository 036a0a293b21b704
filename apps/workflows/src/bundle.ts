import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowInterceptorModules } from '@cancelflow/service-kit/temporal-telemetry';

export const workflowsPath = fileURLToPath(new URL('./index.ts', import.meta.url));

let inProcess: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * Bundles the workflow code once per process, and once per source content across processes:
 * many test files and workers start from the same code, and webpack takes seconds each time.
 */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  inProcess ??= cachedBundle();
  return inProcess;
}

async function cachedBundle(): Promise<WorkflowBundleWithSourceMap> {
  const dir = join(tmpdir(), 'cancelflow-workflow-bundles');
  const file = join(dir, `${await sourceHash()}.js`);
  try {
    return { code: await readFile(file, 'utf8'), sourceMap: '' } as WorkflowBundleWithSourceMap;
  } catch {
    const bundle = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: quietLogger });
    await mkdir(dir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    await writeFile(partial, bundle.code);
    await rename(partial, file);
    return bundle;
  }
}

/** Hash of everything the bundle is made of that can change without a reinstall. */
async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const roots = [fileURLToPath(new URL('.', import.meta.url)), fileURLToPath(new URL('../../../packages/domain/src', import.meta.url))];
  for (const root of roots) {
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.ts')).sort();
    for (const f of files) hash.update(f).update(await readFile(join(root, f)));
  }
  hash.update(process.version).update(workflowInterceptorModules.join('\n'));
  return hash.digest('hex').slice(0, 24);
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
