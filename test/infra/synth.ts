/**
 * Building and reading the synthesized stack, for the infra tests.
 *
 * Apps are built exactly as infra/app.ts builds them (createBookingApp, cdk.json's context, cdk-nag
 * registered), with one difference: functions get stub code (`testCode`) unless a test names the
 * ones to really bundle — esbuild runs only where a test looks at a bundle. booking-stack.test.ts checks
 * that a stub changes nothing in the template but the function's code.
 */
import { afterAll, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createBookingApp } from '../../infra/booking-app.ts';
import type { BookingStack } from '../../infra/booking-stack.ts';
import { routeList, type RouteName } from '#shared/routes.ts';

export type Json = Record<string, any>;

/** The same context `cdk synth` uses (feature flags, defaults), so tests and CLI build one stack. */
const CDK_JSON_CONTEXT: Json = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * Builds the app as infra/app.ts does, for one stage, with stub code except for the functions of
 * `bundle` (route names), which esbuild bundles. Does not synthesize yet.
 */
export function buildApp(stage: string, options: { bundle?: readonly RouteName[]; context?: Json } = {}) {
  const outdir = mkdtempSync(join(tmpdir(), `cdk-${stage}-`));
  outdirs.push(outdir);
  return createBookingApp(
    {
      outdir,
      context: {
        ...CDK_JSON_CONTEXT,
        stage,
        // What the CLI sets: asset metadata on resources (where each function's bundle is) and paths.
        'aws:cdk:enable-asset-metadata': true,
        'aws:cdk:enable-path-metadata': true,
        ...options.context,
      },
    },
    { testCode: { bundle: options.bundle ?? [] } },
  );
}

export type Synthesized = { app: App; stack: BookingStack; template: Template; json: Json; assemblyDir: string };

/** Synthesizes like `cdk synth`: validation plugins (cdk-nag) run and throw on any finding. */
export function synthesize(stage: string, options: { bundle?: readonly RouteName[] } = {}): Synthesized {
  const { app, stack } = buildApp(stage, options);
  const assembly = app.synth();
  const template = Template.fromStack(stack); // reuses the assembly above
  return { app, stack, template, json: template.toJSON(), assemblyDir: assembly.directory };
}

export function resourcesOfType(json: Json, type: string): Array<[string, Json]> {
  return Object.entries(json.Resources as Record<string, Json>).filter(([, r]) => r.Type === type);
}

/** Logical id of `{ "Fn::GetAtt": [id, "Arn"] }` / `{ "Ref": id }`. */
export function referencedId(value: Json): string {
  const id = value?.['Fn::GetAtt']?.[0] ?? value?.Ref;
  if (typeof id !== 'string') throw new Error(`Not a reference: ${JSON.stringify(value)}`);
  return id;
}

export const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

export type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Json };

/**
 * Every statement granted to a role: its inline policies and any AWS::IAM::Policy or customer managed
 * policy (AWS::IAM::ManagedPolicy of this template) attached to it.
 */
export function statementsOfRole(json: Json, roleId: string): Statement[] {
  const role = json.Resources[roleId] as Json;
  const inline = (role.Properties.Policies ?? []).flatMap((p: Json) => p.PolicyDocument.Statement);
  const attached = [...resourcesOfType(json, 'AWS::IAM::Policy'), ...resourcesOfType(json, 'AWS::IAM::ManagedPolicy')]
    .filter(([, p]) => (p.Properties.Roles ?? []).some((r: Json) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
  return [...inline, ...attached];
}

export const actionsOf = (statements: Statement[]): string[] => statements.flatMap((s) => asArray(s.Action));

/** Route key -> the logical ids of its function and that function's role, traced through the template. */
export function wiringOfRoute(json: Json, routeKey: string): { functionId: string; roleId: string } {
  const routes = resourcesOfType(json, 'AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey === routeKey);
  expect(routes, `exactly one route ${routeKey}`).toHaveLength(1);
  const [, route] = routes[0]!;
  // Target is `integrations/<IntegrationId>`, written as an Fn::Join.
  const integrationId = referencedId(route.Properties.Target['Fn::Join'][1][1]);
  const integration = json.Resources[integrationId] as Json;
  const functionId = referencedId(integration.Properties.IntegrationUri);
  return { functionId, roleId: referencedId(json.Resources[functionId].Properties.Role) };
}

export const routeKeyOf = (route: { method: string; path: string }) => `${route.method} ${route.path}`;
export const publicRoutes = routeList.filter((r) => r.scope === 'public');
export const auditRoutes = routeList.filter((r) => r.audit === true);
/** The routes that take a token (and verify it in their function). */
export const tenantRoutes = routeList.filter((r) => r.scope !== 'public');
export const tablelessRoutes = routeList.filter((r) => r.table === 'none');
