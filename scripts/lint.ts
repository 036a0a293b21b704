// `npm run lint` (and the first step of `npm test`): Biome's formatter and linter over the whole
// repository, then the import boundaries of .dependency-cruiser.cjs. Exits non-zero on any finding.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../infra/src/repo.ts';

const say = (message: string) => process.stderr.write(`[lint] ${message}\n`);
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);

const steps: Array<[string, string, string[]]> = [
  ['format and lint (Biome)', bin('biome'), ['ci', '--max-diagnostics=50', '.']],
  // dependency-cruiser refuses old Node versions: run its script with this Node 24.
  [
    'import boundaries (dependency-cruiser)',
    process.execPath,
    [bin('depcruise'), '--config', '.dependency-cruiser.cjs', 'apps', 'packages', 'system', 'infra', 'bench', 'scripts'],
  ],
];

let failed = 0;
for (const [what, command, args] of steps) {
  const { status } = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  say(`${what}: ${status === 0 ? 'clean' : 'FAILED'}`);
  if (status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
