/**
 * The layering, checked on the source text:
 * - shared/domain/ decides and shared/db/ stores: no domain file imports the AWS SDK, the document
 *   client (shared/db/client.ts), the HTTP layer (shared/http/) or the route table (shared/routes);
 * - key strings are formed only by the key builders (shared/db/keys.ts): no other source file
 *   writes a string (without spaces: prose may describe a key) with one of their prefixes;
 * - records are typed: no ` as string` cast in shared/domain/.
 * The checks are plain functions of (path, text), so the last test shows each of them failing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KEYS_FILE = 'shared/db/keys.ts';

type Source = { path: string; text: string };

function sourcesUnder(dir: string): Source[] {
  const walk = (abs: string): string[] =>
    readdirSync(abs).flatMap((name) => {
      const path = join(abs, name);
      if (name === 'node_modules' || name.startsWith('.')) return [];
      return statSync(path).isDirectory() ? walk(path) : name.endsWith('.ts') ? [path] : [];
    });
  return walk(join(ROOT, dir)).map((abs) => ({ path: relative(ROOT, abs).split('\\').join('/'), text: readFileSync(abs, 'utf8') }));
}

/** The text without comments (block comments, and line comments that start a line or follow a space). */
const code = (text: string) =>
  text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/\s\/\/\s.*$/gm, '');

const importsOf = (text: string) => [...code(text).matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => (m[1] ?? m[2])!);

const FORBIDDEN_IN_DOMAIN: [RegExp, string][] = [
  [/^@aws-sdk\//, 'the AWS SDK'],
  [/(^|\/)db\/client(\.ts)?$/, 'the document client'],
  [/(^|\/)http\//, 'the HTTP layer'],
  [/(^|\/)routes(\.ts|\/|$)/, 'the route table'],
];

export function domainImportViolations(sources: readonly Source[]): string[] {
  return sources
    .filter((s) => s.path.startsWith('shared/domain/'))
    .flatMap((s) => importsOf(s.text).flatMap((spec) => FORBIDDEN_IN_DOMAIN.filter(([pattern]) => pattern.test(spec)).map(([, what]) => `${s.path} imports ${what} (${spec})`)));
}

/** The key prefixes the key builders use: every `WORD#` inside a string or template of keys.ts. */
export function keyPrefixes(keysText: string): string[] {
  const literals = [...code(keysText).matchAll(/'([^'\n]*)'|`([^`]*)`/g)].map((m) => (m[1] ?? m[2])!);
  return [...new Set(literals.flatMap((l) => [...l.matchAll(/([A-Z][A-Z_]+)#/g)].map((m) => `${m[1]}#`)))].sort();
}

export function keyStringViolations(sources: readonly Source[], prefixes: readonly string[]): string[] {
  return sources
    .filter((s) => s.path !== KEYS_FILE)
    .flatMap((s) => {
      const literals = [...code(s.text).matchAll(/'([^'\n]*)'|"([^"\n]*)"|`([^`]*)`/g)].map((m) => (m[1] ?? m[2] ?? m[3])!);
      // Prose (descriptions, messages) may name a key's shape; a key string has no spaces.
      return literals.filter((l) => !/\s/.test(l)).flatMap((l) => prefixes.filter((p) => new RegExp(`(^|[^A-Z_])${p}`).test(l)).map((p) => `${s.path} writes a key string with ${p}: ${JSON.stringify(l)}`));
    });
}

export function castViolations(sources: readonly Source[]): string[] {
  return sources
    .filter((s) => s.path.startsWith('shared/domain/'))
    .flatMap((s) => code(s.text).split('\n').filter((line) => line.includes(' as string')).map((line) => `${s.path}: ${line.trim()}`));
}

const runtime = [...sourcesUnder('shared'), ...sourcesUnder('functions'), ...sourcesUnder('infra')];
const prefixes = keyPrefixes(readFileSync(join(ROOT, KEYS_FILE), 'utf8'));

describe('architecture', () => {
  it('finds the sources and the key prefixes it checks', () => {
    expect(runtime.filter((s) => s.path.startsWith('shared/domain/')).length).toBeGreaterThan(10);
    expect(prefixes).toEqual(expect.arrayContaining(['ORG#', 'TOKEN#', 'APPT#', 'SLOT#', 'AUDIT#', 'OPERATORY#']));
  });

  it('shared/domain imports neither the AWS SDK, the document client, shared/http nor shared/routes', () => {
    expect(domainImportViolations(runtime)).toEqual([]);
  });

  it('key strings are formed only in shared/db/keys.ts', () => {
    expect(keyStringViolations(runtime, prefixes)).toEqual([]);
  });

  it('shared/domain reads typed records (no `as string` casts)', () => {
    expect(castViolations(runtime)).toEqual([]);
  });

  it('each check fails on a violation', () => {
    const bad: Source[] = [
      { path: 'shared/domain/bad.ts', text: "import { GetCommand } from '@aws-sdk/lib-dynamodb';\nimport { db } from '../db/client.ts';\nimport { problem } from '../http/problem.ts';\nimport { ROUTES } from '../routes.ts';\nconst id = item.uuid as string;" },
      { path: 'shared/routes/bad.ts', text: 'const pk = `ORG#${orgId}#APPT#${id}`;' },
    ];
    expect(domainImportViolations(bad)).toHaveLength(4);
    expect(keyStringViolations(bad, prefixes)).toHaveLength(2);
    expect(castViolations(bad)).toHaveLength(1);
  });
});
