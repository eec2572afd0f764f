import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { getDocsAsset as route } from '#shared/routes/get-docs-asset.ts';
import { publicHandler } from '#shared/http/public-handler.ts';
import { DOCS_ASSETS } from '#shared/schemas/docs.ts';
import { chosenEncoding } from '#shared/http/content-encoding.ts';

/**
 * The deployed function carries the files next to its bundle (copied there at bundling); locally
 * they are read from the installed package.
 */
function assetPath(name: string): string {
  const bundled = join(dirname(fileURLToPath(import.meta.url)), name);
  return existsSync(bundled) ? bundled : createRequire(import.meta.url).resolve(`swagger-ui-dist/${name}`);
}

const cache = new Map<string, { raw: Buffer; gzip: Buffer }>();

export const handler = publicHandler(route, async ({ params, event }) => {
  const name = params.asset;
  let file = cache.get(name);
  if (!file) {
    const raw = readFileSync(assetPath(name));
    file = { raw, gzip: gzipSync(raw) };
    cache.set(name, file);
  }
  const gzip = chosenEncoding(event.headers['accept-encoding'], ['gzip']) === 'gzip';
  return {
    statusCode: 200,
    headers: {
      'content-type': DOCS_ASSETS[name],
      'cache-control': 'public, max-age=86400',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    },
    isBase64Encoded: true,
    body: (gzip ? file.gzip : file.raw).toString('base64'),
  };
});
