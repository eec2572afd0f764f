/**
 * The front desk page's files (`/desk/{asset}`): built from shared/desk/ and the Event Calendar by
 * infra/desk/build.ts, each named after its content's hash, so a name is cached forever and a new
 * build is new names. The function answers only the names of its own build (its manifest).
 */
import * as z from 'zod/mini';

/** `<name>.<16 hex digits of the content's SHA-256>.<js|css>`. */
export const DESK_ASSET_NAME = /^[a-z][a-z0-9-]{0,40}\.[0-9a-f]{16}\.(?:js|css)$/;

export const DeskAssetPath = z.strictObject({
  asset: z.string().check(z.regex(DESK_ASSET_NAME, 'must be a file of the page')),
});

/** The build's manifest (`manifest.json` beside the files): the page's files by role, and each file's media type. */
export type DeskManifest = {
  /** Hashed names of the page's files: calendar script and style, then the page's own. */
  page: { calendarJs: string; calendarCss: string; mainJs: string; deskCss: string };
  /** Every servable file: name -> media type. Each has `<name>.gz` and `<name>.br` beside it. */
  files: Record<string, string>;
};

export const DESK_CONTENT_TYPES = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
} as const;

/**
 * The page's own policy (not the reference page's): only its own scripts, styles and API; no
 * inline anything, no framing, no base or form targets.
 */
export const DESK_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Folder of a build beside a deployed function's bundle; `DESK_ASSETS_DIR` names another (npm start). */
export const DESK_BUILD_FOLDER = 'desk';
