import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getDeskAsset as route } from '#shared/routes/get-desk-asset.ts';
import { publicHandler } from '#shared/http/public-handler.ts';
import { deskBuild } from '#shared/http/desk-build.ts';
import { DESK_SECURITY_HEADERS } from '#shared/http/security-headers.ts';
import { ApiError } from '#shared/errors.ts';
import { chosenEncoding, type Encoding } from '#shared/http/content-encoding.ts';

/** The build's file of each encoding (infra/desk/build.ts). */
const SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz', identity: '' };

/** Files read once per process, in the encoding asked for (the build wrote each encoding beside it). */
const cache = new Map<string, string>();

function fileBody(name: string, encoding: Encoding): string {
  const key = `${name}\0${encoding}`;
  let body = cache.get(key);
  if (body === undefined) {
    body = readFileSync(join(deskBuild().dir, `${name}${SUFFIX[encoding]}`)).toString('base64');
    cache.set(key, body);
  }
  return body;
}

export const handler = publicHandler(route, async ({ params, event }) => {
  const { files } = deskBuild().manifest;
  // Only this build's own files: an old or made-up name is a 404, never a read of anything else.
  if (!Object.hasOwn(files, params.asset)) throw new ApiError('not-found', 'No such file of the page.');
  const encoding = chosenEncoding(event.headers['accept-encoding'], ['br', 'gzip']);
  return {
    statusCode: 200,
    headers: {
      ...DESK_SECURITY_HEADERS,
      'content-type': files[params.asset]!,
      // The name is the content's hash: a new build is new names.
      'cache-control': 'public, max-age=31536000, immutable',
      vary: 'accept-encoding',
      ...(encoding === 'identity' ? {} : { 'content-encoding': encoding }),
    },
    isBase64Encoded: true,
    body: fileBody(params.asset, encoding),
  };
});
