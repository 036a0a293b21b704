// Validates the production-like deployment files without a Docker engine:
//
//   npm run lint:compose                       # docker-compose.yml at the repo root
//   node infra/scripts/validate-compose.ts path/to/compose.yml
//
// 1. The Compose file itself: `docker compose config -q` when the compose plugin is installed
//    (it validates without an engine), and always the compose-spec JSON schema (the copy the
//    dclint package ships) through ajv, so machines without the plugin check the same thing.
// 2. CancelFlow's own rules: every image pinned to a version tag, every CancelFlow process
//    with a healthcheck, every depends_on target defined (and healthchecked when the condition
//    is service_healthy), no secret written into the file, every required variable documented
//    in .env.example, every bind-mounted file present, the Dockerfile's base images pinned and
//    its final stage not running as root.
//
// Required variables (${NAME:?…}) get dummy values for the check; nothing is started.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

export interface ComposeValidation {
  file: string;
  /** What validated the file's structure. */
  checkedWith: string[];
  services: string[];
  /** Empty when the file is valid; each entry names the service or key and what is wrong. */
  problems: string[];
}

export interface ValidateOptions {
  /** Variables for interpolation; the required ones get a dummy value when missing. */
  env?: Record<string, string | undefined>;
  /** Try `docker compose config -q` when the plugin is available (default true). */
  useDockerCompose?: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Dict = { [key: string]: Json };

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const defaultComposeFile = join(repoRoot, 'docker-compose.yml');

const isDict = (value: Json | undefined): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);

/** ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}, $NAME; $$ is a literal $. */
const variablePattern = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Names of the variables the file requires (${NAME:?…} or ${NAME?…}). */
export function requiredVariables(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(variablePattern)) {
    if (m[1] && m[2]?.endsWith('?')) names.add(m[1]);
  }
  return [...names].sort();
}

/** Every variable the file reads. */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(variablePattern)) {
    const name = m[1] ?? m[4];
    if (name) names.add(name);
  }
  return [...names].sort();
}

function interpolate(value: string, env: Record<string, string | undefined>, where: string, problems: string[]): string {
  return value.replace(
    variablePattern,
    (whole, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
      if (whole === '$$') return '$';
      const name = braced ?? bare ?? '';
      const current = env[name];
      const unsetOrEmpty = current === undefined || (op !== undefined && op.startsWith(':') && current === '');
      if (op === ':-' || op === '-') return unsetOrEmpty ? interpolate(arg ?? '', env, where, problems) : (current ?? '');
      if (op === ':?' || op === '?') {
        if (unsetOrEmpty) problems.push(`${where}: required variable ${name} is not set (${arg ?? ''})`);
        return current ?? '';
      }
      return current ?? '';
    },
  );
}

function interpolateAll(node: Json, env: Record<string, string | undefined>, path: string, problems: string[]): Json {
  if (typeof node === 'string') return interpolate(node, env, path, problems);
  if (Array.isArray(node)) return node.map((item, i) => interpolateAll(item, env, `${path}[${i}]`, problems));
  if (isDict(node)) {
    const out: Dict = {};
    for (const [key, value] of Object.entries(node)) out[key] = interpolateAll(value, env, path ? `${path}.${key}` : key, problems);
    return out;
  }
  return node;
}

function loadYaml(text: string): Json {
  // merge: Compose honours YAML merge keys (<<: *anchor); the file uses them for shared settings.
  return parse(text, { merge: true, maxAliasCount: 1000 }) as Json;
}

function schemaProblems(model: Json): string[] {
  const require = createRequire(import.meta.url);
  const schemaFile = join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Dict;
  // The schema names its draft as https://json-schema.org/draft-07/schema, a spelling ajv does
  // not register; draft-07 is ajv's default, so the reference is dropped.
  delete schema.$schema;
  // strict: false — the schema uses annotations ajv does not know ("deprecated") and custom
  // formats ("duration", "ports"); the structure is what is validated here.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(schema);
  if (validate(model)) return [];
  return (validate.errors ?? []).map((e) => {
    const where = e.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(top level)';
    const extra = 'additionalProperty' in e.params ? ` "${String(e.params.additionalProperty)}"` : '';
    return `compose-spec schema: ${where} ${e.message ?? 'is invalid'}${extra}`;
  });
}

function dockerComposeAvailable(): boolean {
  const probe = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  return probe.status === 0;
}

function dockerComposeProblems(file: string, env: Record<string, string | undefined>): string[] {
  const run = spawnSync('docker', ['compose', '-f', file, 'config', '-q'], {
    encoding: 'utf8',
    cwd: dirname(file),
    env: { ...process.env, ...env },
  });
  if (run.status === 0) return [];
  return [`docker compose config: ${(run.stderr || run.stdout).trim()}`];
}

/** A version tag: 18.4, 1.31.2, v1.28.2, 24.21.0-bookworm-slim. Or a digest. */
const pinnedTag = /^v?\d+(\.\d+)*([-_.][A-Za-z0-9._-]+)?$/;

function imageTag(image: string): { tag?: string; digest: boolean } {
  const digest = image.includes('@sha256:');
  const name = image.split('@')[0] ?? image;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  return { tag: colon === -1 ? undefined : name.slice(colon + 1), digest };
}

/** Environment of a service as a map, in either of Compose's two spellings. */
function environmentOf(service: Dict): Record<string, string> {
  const env = service.environment;
  const out: Record<string, string> = {};
  if (Array.isArray(env)) {
    for (const item of env) {
      if (typeof item !== 'string') continue;
      const eq = item.indexOf('=');
      if (eq === -1) out[item] = '';
      else out[item.slice(0, eq)] = item.slice(eq + 1);
    }
  } else if (isDict(env)) {
    for (const [key, value] of Object.entries(env)) out[key] = value === null ? '' : String(value);
  }
  return out;
}

function dependsOnOf(service: Dict): Record<string, string> {
  const deps = service.depends_on;
  if (Array.isArray(deps)) return Object.fromEntries(deps.filter((d) => typeof d === 'string').map((d) => [d, 'service_started']));
  if (isDict(deps)) {
    return Object.fromEntries(
      Object.entries(deps).map(([name, spec]) => [
        name,
        isDict(spec) && typeof spec.condition === 'string' ? spec.condition : 'service_started',
      ]),
    );
  }
  return {};
}

/** A CancelFlow process: built from the repo's Dockerfile. */
const isCancelFlowProcess = (service: Dict): boolean => service.build !== undefined;

const secretKey = /PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY/i;
const urlWithPassword = /^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]+:([^@\s]+)@/i;

function projectRules(raw: Dict, model: Dict, file: string): string[] {
  const problems: string[] = [];
  const baseDir = dirname(file);
  const rawServices = isDict(raw.services) ? raw.services : {};
  const services = isDict(model.services) ? model.services : {};
  const names = new Set(Object.keys(services));

  for (const [name, service] of Object.entries(services)) {
    if (!isDict(service)) continue;
    const rawService = rawServices[name];
    const image = typeof service.image === 'string' ? service.image : undefined;

    // Images pinned. A built image needs an explicit tag; a pulled one a version tag or digest.
    if (!image) {
      problems.push(`services.${name}: no image (name the image, with a tag, even when it is built)`);
    } else {
      const { tag, digest } = imageTag(image);
      if (service.build !== undefined) {
        if (!tag || tag === 'latest') problems.push(`services.${name}: built image "${image}" needs an explicit tag other than latest`);
      } else if (!digest && (!tag || !pinnedTag.test(tag))) {
        problems.push(`services.${name}: image "${image}" is not pinned to a version tag (e.g. name:1.2.3)`);
      }
    }

    // Healthchecks on every CancelFlow process.
    const healthcheck = service.healthcheck;
    const hasHealthcheck = isDict(healthcheck) && healthcheck.disable !== true && healthcheck.test !== undefined;
    if (isCancelFlowProcess(service)) {
      if (!hasHealthcheck) problems.push(`services.${name}: a CancelFlow process needs a healthcheck`);
      const env = environmentOf(service);
      for (const key of ['NODE_ENV', 'LOG_LEVEL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE']) {
        if (!(key in env)) problems.push(`services.${name}: environment lacks ${key}`);
      }
      if (env.NODE_ENV !== undefined && env.NODE_ENV !== 'production')
        problems.push(`services.${name}: NODE_ENV must be production, not "${env.NODE_ENV}"`);
      if (service.restart === undefined || service.restart === 'no') problems.push(`services.${name}: needs a restart policy`);
    }

    // depends_on targets exist, and a service_healthy target has a healthcheck.
    for (const [target, condition] of Object.entries(dependsOnOf(service))) {
      const dependency = services[target];
      if (!names.has(target) || !isDict(dependency)) {
        problems.push(`services.${name}.depends_on: "${target}" is not a service of this file`);
        continue;
      }
      if (condition === 'service_healthy') {
        const hc = dependency.healthcheck;
        if (!isDict(hc) || hc.disable === true || hc.test === undefined) {
          problems.push(`services.${name}.depends_on.${target}: condition service_healthy, but ${target} declares no healthcheck`);
        }
      }
      if (condition === 'service_completed_successfully' && (dependency.restart === 'always' || dependency.restart === 'unless-stopped')) {
        problems.push(
          `services.${name}.depends_on.${target}: waits for ${target} to complete, but its restart policy "${String(dependency.restart)}" never lets it`,
        );
      }
    }

    // No secret written into the file: secret-looking values must come from a variable.
    if (isDict(rawService)) {
      for (const [key, value] of Object.entries(environmentOf(rawService))) {
        if (value === '' || value.includes('${')) continue;
        const inUrl = urlWithPassword.exec(value);
        if (secretKey.test(key) || (inUrl && !inUrl[1]?.includes('${'))) {
          problems.push(`services.${name}.environment.${key}: a secret is written into the file; take it from .env (\${${key}:?…})`);
        }
      }
    }

    // Bind-mounted files exist.
    const volumes = Array.isArray(service.volumes) ? service.volumes : [];
    for (const volume of volumes) {
      const source =
        typeof volume === 'string' ? volume.split(':')[0] : isDict(volume) && volume.type === 'bind' ? volume.source : undefined;
      if (typeof source === 'string' && (source.startsWith('./') || source.startsWith('../')) && !existsSync(resolve(baseDir, source))) {
        problems.push(`services.${name}.volumes: ${source} does not exist`);
      }
    }

    // The build context and Dockerfile exist.
    const build = service.build;
    if (build !== undefined) {
      const context = typeof build === 'string' ? build : isDict(build) && typeof build.context === 'string' ? build.context : '.';
      const dockerfile = isDict(build) && typeof build.dockerfile === 'string' ? build.dockerfile : 'Dockerfile';
      if (!existsSync(resolve(baseDir, context, dockerfile)))
        problems.push(`services.${name}.build: ${join(context, dockerfile)} does not exist`);
    }
  }
  return problems;
}

/** Variables the file requires must be documented in .env.example beside it. */
function envExampleProblems(text: string, file: string): string[] {
  const example = join(dirname(file), '.env.example');
  const required = requiredVariables(text);
  if (required.length === 0) return [];
  if (!existsSync(example)) return [`.env.example is missing: it must document ${required.join(', ')}`];
  const documented = new Set([...readFileSync(example, 'utf8').matchAll(/^#?\s*([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]));
  return required.filter((name) => !documented.has(name)).map((name) => `.env.example: required variable ${name} is not documented`);
}

/** Base images pinned, and the final stage drops root. */
export function dockerfileProblems(dockerfile: string): string[] {
  if (!existsSync(dockerfile)) return [`${dockerfile} does not exist`];
  const text = readFileSync(dockerfile, 'utf8').replace(/\\\n/g, ' ');
  const args = new Map<string, string>();
  const stages = new Set<string>();
  const problems: string[] = [];
  let lastUser: string | undefined;
  for (const line of text.split('\n').map((l) => l.trim())) {
    const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)/i.exec(line);
    if (arg?.[1] && arg[2]) args.set(arg[1], arg[2]);
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from?.[1]) {
      lastUser = undefined;
      const image = from[1].replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, n: string) => args.get(n) ?? '');
      if (!stages.has(image) && image !== 'scratch') {
        const { tag, digest } = imageTag(image);
        if (!digest && (!tag || !pinnedTag.test(tag))) problems.push(`Dockerfile: base image "${image}" is not pinned to a version tag`);
      }
      if (from[2]) stages.add(from[2]);
    }
    const user = /^USER\s+(\S+)/i.exec(line);
    if (user?.[1]) lastUser = user[1];
  }
  if (!lastUser || lastUser === 'root' || lastUser === '0' || lastUser.startsWith('0:')) {
    problems.push('Dockerfile: the final stage must switch to a non-root USER');
  }
  return problems;
}

/**
 * Each service's environment as Compose gives it: merge keys followed, variables interpolated
 * from `env`. A required variable that `env` lacks is an error naming it.
 */
export function composeEnvironment(
  env: Record<string, string | undefined>,
  file: string = defaultComposeFile,
): Record<string, Record<string, string>> {
  const raw = loadYaml(readFileSync(file, 'utf8'));
  const problems: string[] = [];
  const model = interpolateAll(raw, env, '', problems);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const services = isDict(model) && isDict(model.services) ? model.services : {};
  return Object.fromEntries(
    Object.entries(services).flatMap(([name, service]) => (isDict(service) ? [[name, environmentOf(service)]] : [])),
  );
}

export function validateCompose(file: string = defaultComposeFile, options: ValidateOptions = {}): ComposeValidation {
  const text = readFileSync(file, 'utf8');
  const env: Record<string, string | undefined> = { ...(options.env ?? process.env) };
  for (const name of requiredVariables(text)) env[name] ||= `validate-only-${name.toLowerCase()}`;

  const problems: string[] = [];
  const checkedWith: string[] = [];
  let raw: Json;
  try {
    raw = loadYaml(text);
  } catch (error) {
    return { file, checkedWith, services: [], problems: [`not valid YAML: ${String(error)}`] };
  }
  if (!isDict(raw)) return { file, checkedWith, services: [], problems: ['the file is not a YAML mapping'] };

  if ((options.useDockerCompose ?? true) && dockerComposeAvailable()) {
    checkedWith.push('docker compose config');
    problems.push(...dockerComposeProblems(file, env));
  }
  const model = interpolateAll(raw, env, '', problems);
  if (!isDict(model)) return { file, checkedWith, services: [], problems };
  checkedWith.push('compose-spec JSON schema');
  problems.push(...schemaProblems(model));
  problems.push(...projectRules(raw, model, file));
  problems.push(...envExampleProblems(text, file));

  const services = isDict(model.services) ? model.services : {};
  const dockerfiles = new Set<string>();
  for (const service of Object.values(services)) {
    if (!isDict(service) || service.build === undefined) continue;
    const build = service.build;
    const context = typeof build === 'string' ? build : isDict(build) && typeof build.context === 'string' ? build.context : '.';
    const dockerfile = isDict(build) && typeof build.dockerfile === 'string' ? build.dockerfile : 'Dockerfile';
    const path = resolve(dirname(file), context, dockerfile);
    if (existsSync(path)) dockerfiles.add(path);
  }
  for (const path of dockerfiles) problems.push(...dockerfileProblems(path));

  return { file, checkedWith, services: Object.keys(services), problems };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = resolve(process.argv[2] ?? defaultComposeFile);
  const result = validateCompose(file);
  if (result.problems.length > 0) {
    console.error(`${file}: ${result.problems.length} problem(s)`);
    for (const problem of result.problems) console.error(`  - ${problem}`);
    process.exit(1);
  }
  console.log(`${file}: valid (${result.checkedWith.join(' + ')}; ${result.services.length} services: ${result.services.join(', ')})`);
}
