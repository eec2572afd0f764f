/**
 * No patient data in logs. Each integration worker captures everything written to stdout and stderr
 * while its test files run (the functions log at INFO here, as in AWS), keeps the structured log
 * lines out of the test output, and after each file fails if any seeded patient value appears in what
 * that file logged — or if it logged nothing at all, which would make the check vacuous.
 *
 * Workers run their files one after another in one module graph (`isolate: false`), and this setup
 * file runs again before each file: the streams are wrapped once per worker, and each file starts
 * with an empty capture of its own.
 */
import { afterAll, expect } from 'vitest';
import { SEEDED_PHI } from './phi.ts';

type Capture = { lines: string[] };
const KEY = Symbol.for('dental-booking.log-capture');
const registry = globalThis as typeof globalThis & { [KEY]?: Capture };

function install(): Capture {
  const capture: Capture = { lines: [] };
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      capture.lines.push(text);
      // Structured log lines stay out of the test report; anything else passes through.
      if (text.startsWith('{"level"') || text.startsWith('{"cold_start"')) return true;
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
  return capture;
}

const capture = (registry[KEY] ??= install());
capture.lines = [];

afterAll(() => {
  const logs = capture.lines.join('');
  capture.lines = [];
  expect(logs, 'the functions logged nothing: the PHI check would prove nothing').toMatch(/"message":"request"/);
  const leaked = SEEDED_PHI.filter((value) => logs.includes(value));
  expect(leaked, 'patient data in log output').toEqual([]);
});
