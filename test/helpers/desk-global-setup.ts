/**
 * The front desk page's build for the integration run (infra/desk/build.ts), into a folder of its
 * own: the desk functions run in-process and read it through DESK_ASSETS_DIR (desk-env.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildDesk } from '../../infra/desk/build.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    deskAssetsDir: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'desk-build-'));
  await buildDesk(join(dir, 'desk'));
  project.provide('deskAssetsDir', join(dir, 'desk'));
  return () => rmSync(dir, { recursive: true, force: true });
}
