/**
 * Where a desk function finds the page's build (infra/desk/build.ts): the folder `DESK_ASSETS_DIR`
 * names (`npm start` builds into its state folder; the tests into a folder of their own), else the
 * `desk/` folder beside the deployed bundle, where synth put it. Read once per process.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DESK_BUILD_FOLDER, type DeskManifest } from '../schemas/desk.ts';

export type DeskBuild = { dir: string; manifest: DeskManifest };

let loaded: DeskBuild | undefined;

export function deskBuild(): DeskBuild {
  if (!loaded) {
    // In the bundle this module is part of index.mjs, so its own URL is the bundle's folder.
    const dir = process.env.DESK_ASSETS_DIR || join(dirname(fileURLToPath(import.meta.url)), DESK_BUILD_FOLDER);
    loaded = { dir, manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as DeskManifest };
  }
  return loaded;
}
