/**
 * No patient data in logs. Each integration worker captures everything written to stdout and stderr
 * while its test file runs (the functions log at INFO here, as in AWS), keeps the structured log
 * lines out of the test output, and after the file fails if any seeded patient value appears in them
 * — or if nothing was logged at all, which would make the check vacuous.
 */
import { afterAll, expect } from 'vitest';
import { SEEDED_PHI } from './phi.ts';

const captured: string[] = [];
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    captured.push(text);
    // Structured log lines stay out of the test report; anything else passes through.
    if (text.startsWith('{"level"') || text.startsWith('{"cold_start"')) return true;
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

afterAll(() => {
  const logs = captured.join('');
  expect(logs, 'the functions logged nothing: the PHI check would prove nothing').toMatch(/"message":"request"/);
  const leaked = SEEDED_PHI.filter((value) => logs.includes(value));
  expect(leaked, 'patient data in log output').toEqual([]);
});
