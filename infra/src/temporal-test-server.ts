// Temporal's time-skipping test server, for workflow tests that wait days in milliseconds.
//
// The SDK's own TestWorkflowEnvironment.createTimeSkipping() downloads a native build of it from
// the internet, which tests here cannot reach. The same server ships as a Java library on Maven
// Central (io.temporal:temporal-test-server); Maven resolves it and its dependencies into its own
// repository (~/.m2), and the classpath plus a small launcher (temporal-test-server/
// LoopbackTestServer.java: the server on 127.0.0.1 only) are kept in
// ${XDG_CACHE_HOME:-~/.cache}/cancelflow/temporal-test-server-<version>-<launcher hash>/,
// prepared once (a temporary folder renamed into place when complete) and reused.
// Needs `java` and `javac` (17 or newer; JAVA_HOME when set) and `mvn`.

import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { onShutdown } from './shutdown.ts';

export const TEMPORAL_TEST_SERVER_VERSION = '1.38.0';

const LAUNCHER_SOURCE = fileURLToPath(new URL('./temporal-test-server/LoopbackTestServer.java', import.meta.url));
const LAUNCHER_CLASS = 'LoopbackTestServer';
const HOST = '127.0.0.1';
// A small, quickly started JVM: the server holds a few workflows of one test file at a time.
const JVM_OPTIONS = ['-Xms64m', '-Xmx384m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xss512k'];

const execFileAsync = promisify(execFile);

export interface TemporalTestServerInstall {
  java: string;
  /** The launcher's classes and every jar of the server, in `java -cp` form. */
  classpath: string;
}

export interface TemporalTestServer {
  /** host:port of its gRPC frontend (the workflow service and the test service). */
  address: string;
  stop(): Promise<void>;
}

let pending: Promise<TemporalTestServerInstall> | undefined;

/** Resolves the test server with Maven and compiles its launcher, once per machine. */
export function ensureTemporalTestServer(log: (message: string) => void = defaultLog): Promise<TemporalTestServerInstall> {
  pending ??= findOrPrepare(log);
  pending.catch(() => (pending = undefined));
  return pending;
}

/** Starts a fresh test server (time skipping locked until a client unlocks it) on a free loopback port. */
export async function startTemporalTestServer(
  options: { log?: (message: string) => void; startTimeoutMs?: number } = {},
): Promise<TemporalTestServer> {
  const log = options.log ?? defaultLog;
  const { java, classpath } = await ensureTemporalTestServer(log);
  // stdin stays open and unused: the launcher exits when it closes, so no server outlives us.
  const child = spawn(java, [...JVM_OPTIONS, '-cp', classpath, LAUNCHER_CLASS, HOST, '0'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const unregister = onShutdown({ name: 'Temporal test server', stop, killSync: () => child.kill('SIGTERM') });

  try {
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the Temporal test server did not start within ${(options.startTimeoutMs ?? 60_000) / 1000}s:\n${output}`)),
        options.startTimeoutMs ?? 60_000,
      );
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-10_000);
        const listening = /listening on (\S+:\d+)/.exec(output);
        if (listening) {
          clearTimeout(timer);
          resolve(listening[1]!);
        }
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the Temporal test server exited (${signal ?? `exit ${code}`}):\n${output}`));
      });
    });
    return {
      address,
      stop: async () => {
        unregister();
        await stop();
      },
    };
  } catch (error) {
    unregister();
    await stop();
    throw error;
  }
}

async function findOrPrepare(log: (message: string) => void): Promise<TemporalTestServerInstall> {
  const java = await findJavaTool('java');
  const javac = await findJavaTool('javac');
  if (!java || !javac) {
    throw new Error(
      'the time-skipping workflow tests need a Java 17+ JDK (java and javac on PATH, or JAVA_HOME): install one, e.g. apt-get install openjdk-17-jdk-headless',
    );
  }
  const source = await readFile(LAUNCHER_SOURCE, 'utf8');
  const cacheDir = join(
    process.env.XDG_CACHE_HOME || join(homedir(), '.cache'),
    'cancelflow',
    `temporal-test-server-${TEMPORAL_TEST_SERVER_VERSION}-${createHash('sha256').update(source).digest('hex').slice(0, 8)}`,
  );
  const ready = await readInstall(cacheDir, java);
  if (ready) return ready;

  const mvn = await findOnPath('mvn');
  if (!mvn) {
    throw new Error(
      'the time-skipping workflow tests need Maven (mvn) once, to fetch io.temporal:temporal-test-server: install it, e.g. apt-get install maven',
    );
  }
  await mkdir(join(cacheDir, '..'), { recursive: true });
  const buildDir = await mkdtemp(`${cacheDir}.build-`);
  const started = Date.now();
  log(`fetching io.temporal:temporal-test-server:${TEMPORAL_TEST_SERVER_VERSION} with Maven (first run only) into ${cacheDir} ...`);
  try {
    await writeFile(join(buildDir, 'pom.xml'), pom());
    await execFileAsync(
      mvn,
      ['-B', '-q', '-f', join(buildDir, 'pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${join(buildDir, 'classpath.txt')}`],
      {
        timeout: 10 * 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`mvn could not resolve the Temporal test server: ${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    });
    const jars = (await readFile(join(buildDir, 'classpath.txt'), 'utf8')).trim();
    await execFileAsync(javac, ['-d', join(buildDir, 'classes'), '-cp', jars, LAUNCHER_SOURCE], { timeout: 5 * 60_000 });
    try {
      await rename(buildDir, cacheDir);
    } catch (error) {
      // Another run prepared it meanwhile: theirs is as good as ours.
      if (!['EEXIST', 'ENOTEMPTY'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
    log(`Temporal test server ready in ${Math.round((Date.now() - started) / 1000)}s`);
  } finally {
    await rm(buildDir, { recursive: true, force: true });
  }
  const install = await readInstall(cacheDir, java);
  if (!install) throw new Error(`the Temporal test server prepared in ${cacheDir} is incomplete: delete that folder and try again`);
  return install;
}

async function readInstall(cacheDir: string, java: string): Promise<TemporalTestServerInstall | undefined> {
  const jars = await readFile(join(cacheDir, 'classpath.txt'), 'utf8').catch(() => undefined);
  if (!jars || !existsSync(join(cacheDir, 'classes', `${LAUNCHER_CLASS}.class`))) return undefined;
  const entries = jars.trim().split(delimiter);
  // Maven's repository may have been cleaned since: then resolve again.
  if (entries.length === 0 || !entries.every((jar) => existsSync(jar))) return undefined;
  return { java, classpath: [join(cacheDir, 'classes'), ...entries].join(delimiter) };
}

function pom(): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.cancelflow</groupId>
  <artifactId>temporal-test-server-classpath</artifactId>
  <version>0</version>
  <dependencies>
    <dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId><version>${TEMPORAL_TEST_SERVER_VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-nop</artifactId><version>2.0.17</version></dependency>
  </dependencies>
</project>
`;
}

async function findJavaTool(name: 'java' | 'javac'): Promise<string | undefined> {
  const home = process.env.JAVA_HOME;
  if (home && existsSync(join(home, 'bin', name))) return join(home, 'bin', name);
  return findOnPath(name);
}

async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function defaultLog(message: string): void {
  process.stderr.write(`[temporal-test-server] ${message}\n`);
}
