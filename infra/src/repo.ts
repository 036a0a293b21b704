import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo's root folder (infra/src/ is two levels below it). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
