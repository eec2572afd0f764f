/**
 * The front desk page's build: the page's own TypeScript (shared/desk/main.ts) and stylesheet
 * (shared/desk/desk.css), bundled and minified by esbuild for browsers (ES2022, no source maps), and
 * the Event Calendar's prebuilt script and style (@event-calendar/build). Each file is named after its
 * content's hash and written with a gzip and a brotli copy beside it, plus `manifest.json`
 * (shared/schemas/desk.ts), into one folder:
 * - `npm start` builds into its state folder at start (about a second) and serves it from there;
 * - `cdk synth` builds into each desk function's bundle (infra/constructs/route-function.ts), so the
 *   page, its files and their names ship together.
 * The same sources give the same names, so the page's function and the files' function agree.
 *
 *   node --import tsx infra/desk/build.ts <out-dir>
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { DESK_CONTENT_TYPES, type DeskManifest } from '#shared/schemas/desk.ts';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const DESK_SOURCES = join(REPO_ROOT, 'shared', 'desk');

const require = createRequire(import.meta.url);

async function bundle(entry: string): Promise<Buffer> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    logLevel: 'silent',
    absWorkingDir: REPO_ROOT,
  });
  const [file] = result.outputFiles;
  if (!file) throw new Error(`esbuild produced nothing for ${entry}`);
  return Buffer.from(file.contents);
}

/** The calendar's prebuilt file, without its source-map comment (no map is served). */
function calendarFile(name: string): Buffer {
  const text = readFileSync(require.resolve(`@event-calendar/build/dist/${name}`), 'utf8');
  return Buffer.from(text.replace(/\n?\/[/*][#@] sourceMappingURL=[^\n]*$/, ''), 'utf8');
}

function hashedName(base: string, ext: 'js' | 'css', content: Buffer): string {
  return `${base}.${createHash('sha256').update(content).digest('hex').slice(0, 16)}.${ext}`;
}

/** Builds the page into `outDir` (emptied first) and returns its manifest. */
export async function buildDesk(outDir: string): Promise<DeskManifest> {
  const sources = {
    calendarJs: ['event-calendar', 'js', calendarFile('event-calendar.min.js')],
    calendarCss: ['event-calendar', 'css', calendarFile('event-calendar.min.css')],
    mainJs: ['main', 'js', await bundle(join(DESK_SOURCES, 'main.ts'))],
    deskCss: ['desk', 'css', await bundle(join(DESK_SOURCES, 'desk.css'))],
  } as const;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const page = {} as DeskManifest['page'];
  const files: DeskManifest['files'] = {};
  for (const [role, [base, ext, content]] of Object.entries(sources) as [keyof DeskManifest['page'], (typeof sources)[keyof typeof sources]][]) {
    const name = hashedName(base, ext, content);
    page[role] = name;
    files[name] = DESK_CONTENT_TYPES[ext];
    writeFileSync(join(outDir, name), content);
    writeFileSync(join(outDir, `${name}.gz`), gzipSync(content, { level: 9 }));
    writeFileSync(
      join(outDir, `${name}.br`),
      brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } }),
    );
  }
  const manifest: DeskManifest = { page, files };
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('Usage: node --import tsx infra/desk/build.ts <out-dir>');
    process.exit(2);
  }
  buildDesk(resolve(outDir)).then(
    (manifest) => console.log(`desk built into ${outDir}: ${Object.keys(manifest.files).join(', ')}`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
