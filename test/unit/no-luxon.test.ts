/**
 * luxon is a test-only oracle: it cost every Lambda bundle ~70 KiB and ~25 ms of cold start, and the
 * time-zone code in shared/time does its work with Intl. Nothing that ships may import it again.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** An import, re-export, dynamic import or require of luxon (or of a file inside it). */
const LUXON_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(['"`])luxon(?:\/[^'"`]*)?\1/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(?:[cm]?[jt]s|tsx|jsx)$/.test(entry.name) ? [path] : [];
  });
}

describe('production code does not use luxon', () => {
  it('recognises every way of importing it', () => {
    for (const line of [
      "import { DateTime } from 'luxon';",
      'import type { DateTime } from "luxon";',
      "import 'luxon';",
      "export { DateTime } from 'luxon';",
      "const { DateTime } = await import('luxon');",
      "const luxon = require('luxon');",
      "import { IANAZone } from 'luxon/src/zones/IANAZone.js';",
    ]) {
      expect(LUXON_IMPORT.test(line), line).toBe(true);
    }
    for (const line of ["// luxon's fixOffset, step for step", "const note = 'luxon was here';", "import { x } from './luxon-free.ts';"]) {
      expect(LUXON_IMPORT.test(line), line).toBe(false);
    }
  });

  it('no file under shared/ or functions/ imports it', () => {
    const files = ['shared', 'functions'].flatMap((dir) => sourceFiles(join(root, dir)));
    expect(files.length).toBeGreaterThan(60);
    const importing = files.filter((file) => LUXON_IMPORT.test(readFileSync(file, 'utf8'))).map((file) => relative(root, file));
    expect(importing).toEqual([]);
  });

  it('package.json lists it (and its types) for development only', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('luxon');
    expect(Object.keys(pkg.dependencies)).not.toContain('@types/luxon');
    expect(Object.keys(pkg.devDependencies)).toEqual(expect.arrayContaining(['luxon', '@types/luxon']));
  });
});
