/**
 * The Node.js version notice (infra/local/node-support.ts): the SDK's warning is switched off by its
 * own variable unless someone set it, and npm start's one line appears only below Node.js 22.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { SUPPORTED_NODE, nodeVersionNote, quietSdkNodeNotice } from '../../infra/local/node-support.ts';

describe('node support', () => {
  it('silences the SDK notice, keeping a value someone set', () => {
    const env: NodeJS.ProcessEnv = {};
    quietSdkNodeNotice(env);
    expect(env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('true');
    const set: NodeJS.ProcessEnv = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' };
    quietSdkNodeNotice(set);
    expect(set.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('false');
  });

  it('says what to do on Node.js 20, and nothing on 22 or 24', () => {
    expect(nodeVersionNote('v20.19.0')).toMatch(/Node\.js v20\.19\.0 is supported here \(20\.19 or newer; Lambda runs 24\).*move to 22 or 24/);
    expect(nodeVersionNote('v22.11.0')).toBeUndefined();
    expect(nodeVersionNote('v24.1.0')).toBeUndefined();
  });

  it('matches package.json engines and the stack’s runtime', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${SUPPORTED_NODE.local}`);
    const routeFunction = readFileSync(new URL('../../infra/constructs/route-function.ts', import.meta.url), 'utf8');
    expect(routeFunction).toContain(`Runtime.NODEJS_${SUPPORTED_NODE.lambda}_X`);
  });
});
