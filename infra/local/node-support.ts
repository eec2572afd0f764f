/**
 * Which Node.js versions run this project, and the one notice about it a newcomer may see.
 *
 * Local (`npm start`, the tests, the admin CLI): Node.js 20.19 or newer — the first 20.x that loads
 * ES modules with `require()` unflagged, which the tooling relies on. Lambda: Node.js 24 (the stack's
 * runtime). The AWS SDK prints a NodeVersionSupportWarning on Node.js 20 about SDK versions published
 * after the first week of January 2027, which will need Node.js 22; the versions package-lock.json pins
 * run on 20, so that warning asks nothing of someone running this project today. It is switched off
 * here (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED, the SDK's own switch) and `npm start` says
 * in one line what to do and when instead.
 */
export const SUPPORTED_NODE = { local: '20.19', lambda: '24' } as const;

/** Silences the SDK's Node version notice for this process (before the first client is made). */
export function quietSdkNodeNotice(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

/** One line for the `npm start` banner on Node.js older than 22; nothing on 22 or newer. */
export function nodeVersionNote(version: string = process.version): string | undefined {
  const major = Number(/^v?(\d+)/.exec(version)?.[1]);
  if (!Number.isInteger(major) || major >= 22) return undefined;
  return (
    `Node.js ${version} is supported here (${SUPPORTED_NODE.local} or newer; Lambda runs ${SUPPORTED_NODE.lambda}). ` +
    'AWS SDK releases from 2027 will need Node.js 22: move to 22 or 24 before updating the SDK.'
  );
}
