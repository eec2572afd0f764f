/**
 * The optional WAF (context `waf=true`), in the synthesized templates: without it (the default) no
 * distribution, no web ACL, no secret and no origin check on any function; with it, the web ACL and
 * its rules and thresholds in a stack of its own in us-east-1, CloudFront in front of the API with
 * that ACL, the secret origin header CloudFront sends and every function checks, `ApiUrl` on
 * CloudFront, and the cost lines. Every app synthesized here passes cdk-nag (AwsSolutions and HIPAA
 * Security) on both stacks, or synthesis throws.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Stack, Validations, type App } from 'aws-cdk-lib';
import { DEFAULT_CERTIFICATE_REASON, DISTRIBUTION_ACKNOWLEDGEMENTS, ORIGIN_SECRET_ACKNOWLEDGEMENTS } from '../../infra/constructs/edge.ts';
import { fixedMonthlyCost, type FixedPrices } from '../../infra/cost/fixed-cost.ts';
import { DEFAULT_WAF_RATE_LIMIT, WAF_LOG_KEY_REASON, WAF_REGION, wafStackName } from '../../infra/waf-stack.ts';
import { ORIGIN_VERIFY_ENV, ORIGIN_VERIFY_HEADER, PUBLIC_URL_ENV } from '#shared/http/middleware.ts';
import { routeList } from '#shared/routes.ts';
import { buildApp, resourcesOfType, routeKeyOf, synthesize, wiringOfRoute, type Json } from './synth.ts';

const prices = (JSON.parse(readFileSync(new URL('../../infra/bench/prices.json', import.meta.url), 'utf8')) as { fixed_monthly: FixedPrices }).fixed_monthly;

/** CloudFront's managed policies (their ids are fixed by AWS). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

type Stage = { app: App; stack: Stack; waf: Stack; main: Json; edge: Json };

/**
 * The functions behind the API (one per route, traced from its route): only they are reached through
 * CloudFront, so only they check the origin header. The webhook functions are invoked by the table
 * stream, EventBridge Scheduler and CloudFormation, never through the API.
 */
const routeFunctionIds = (json: Json) => routeList.map((route) => wiringOfRoute(json, routeKeyOf(route)).functionId);

/** Synthesizes a stage with the WAF: both stacks, cdk-nag included. */
function synthWaf(stage: string, context: Json): Stage {
  const { app, stack, wafStack } = buildApp(stage, { context: { waf: 'true', ...context } });
  expect(wafStack).toBeDefined();
  const assembly = app.synth();
  return { app, stack, waf: wafStack!, main: assembly.getStackByName(stack.stackName).template as Json, edge: assembly.getStackByName(wafStack!.stackName).template as Json };
}

const only = (json: Json, type: string): Json => {
  const found = resourcesOfType(json, type);
  expect(found, type).toHaveLength(1);
  return found[0]![1].Properties as Json;
};

const acknowledged = (app: App, path: string) =>
  Object.fromEntries(
    app.node
      .findAll()
      .filter((c) => c.node.path === path)
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.entries(m.data as Record<string, string>)))
      .map(([rule, reason]) => [rule.replace(/^annotation::/i, ''), reason]),
  );

let dev: Stage;
let prod: Stage;

beforeAll(() => {
  dev = synthWaf('dev', { region: 'eu-west-1' });
  prod = synthWaf('prod', { region: 'eu-west-1', wafRateLimit: '2000', wafDomainName: 'api.clinic.example', wafCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6' });
});

describe('waf=false (the default)', () => {
  it('synthesizes one stack: no distribution, no web ACL, no secret, no origin check on any function; ApiUrl is the API Gateway stage', () => {
    const plain = synthesize('dev');
    expect(plain.app.node.children.filter((c) => c instanceof Stack).map((c) => c.node.id)).toEqual(['DentalBooking-dev']);
    expect(plain.stack.options).toMatchObject({ waf: false, wafRateLimit: DEFAULT_WAF_RATE_LIMIT });
    expect(plain.stack.edge).toBeUndefined();
    for (const type of ['AWS::CloudFront::Distribution', 'AWS::WAFv2::WebACL', 'AWS::SecretsManager::Secret']) plain.template.resourceCountIs(type, 0);
    // Any function: the webhook key function has no environment at all.
    for (const [id, fn] of resourcesOfType(plain.json, 'AWS::Lambda::Function')) {
      const variables = Object.keys((fn.Properties.Environment?.Variables ?? {}) as Json);
      expect(variables, id).not.toContain(ORIGIN_VERIFY_ENV);
      expect(variables, id).not.toContain(PUBLIC_URL_ENV);
    }
    expect(JSON.stringify(plain.json.Outputs.ApiUrl.Value)).toContain('execute-api');
  });
});

describe('waf=true', () => {
  it('puts the web ACL in a stack of its own in us-east-1, and the stage in the region it names', () => {
    expect(dev.waf.stackName).toBe(wafStackName('dev'));
    expect(dev.waf.region).toBe(WAF_REGION);
    expect(dev.stack.region).toBe('eu-west-1');
    expect(only(dev.edge, 'AWS::WAFv2::WebACL').Scope).toBe('CLOUDFRONT');
    // Each in its own stack: no web ACL in the stage's, no function or distribution in the WAF's.
    expect(resourcesOfType(dev.main, 'AWS::WAFv2::WebACL')).toEqual([]);
    for (const type of ['AWS::Lambda::Function', 'AWS::CloudFront::Distribution']) expect(resourcesOfType(dev.edge, type), type).toEqual([]);
  });

  it('has a rate rule per source IP (1000 in 5 minutes by default, wafRateLimit), AWS common rules with large bodies only counted, known bad inputs; metrics on, no samples, allow by default', () => {
    for (const [stage, limit] of [[dev, 1000], [prod, 2000]] as const) {
      const acl = only(stage.edge, 'AWS::WAFv2::WebACL');
      expect(acl.DefaultAction).toEqual({ Allow: {} });
      expect(acl.VisibilityConfig).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: false });
      const rules = acl.Rules as Json[];
      expect(rules.map((r) => [r.Priority, r.Name])).toEqual([
        [0, 'RateLimitPerSourceIp'],
        [1, 'AWSManagedRulesCommonRuleSet'],
        [2, 'AWSManagedRulesKnownBadInputsRuleSet'],
      ]);
      expect(rules[0]).toMatchObject({ Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: limit, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } } });
      expect(rules[1]!.Statement.ManagedRuleGroupStatement).toEqual({
        VendorName: 'AWS',
        Name: 'AWSManagedRulesCommonRuleSet',
        // A clinical note (4000 characters) can be over the rule's 8 KB; the API's own limit is 64 KiB.
        RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
      });
      expect(rules[2]!.Statement.ManagedRuleGroupStatement).toEqual({ VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' });
      for (const rule of rules) {
        expect(rule.VisibilityConfig, rule.Name).toEqual({ CloudWatchMetricsEnabled: true, MetricName: rule.Name, SampledRequestsEnabled: false });
        if (rule.Priority > 0) expect(rule.OverrideAction, rule.Name).toEqual({ None: {} });
      }
    }
  });

  it('logs only blocked and counted requests, path, query string and Authorization redacted; with a key of us-east-1 in production, acknowledged without one elsewhere', () => {
    for (const stage of [dev, prod]) {
      const logging = only(stage.edge, 'AWS::WAFv2::LoggingConfiguration');
      expect(logging.RedactedFields).toEqual([{ UriPath: {} }, { QueryString: {} }, { SingleHeader: { Name: 'authorization' } }]);
      expect(logging.LoggingFilter).toEqual({
        DefaultBehavior: 'DROP',
        Filters: [{ Behavior: 'KEEP', Requirement: 'MEETS_ANY', Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }] }],
      });
      expect(JSON.stringify(logging.LogDestinationConfigs)).toContain(`:log-group:aws-waf-logs-dental-booking-${stage.stack.node.id.replace('DentalBooking-', '')}"`);
      expect(only(stage.edge, 'AWS::Logs::LogGroup').RetentionInDays).toBe(30);
    }
    expect(only(prod.edge, 'AWS::Logs::LogGroup').KmsKeyId).toBeDefined();
    expect(resourcesOfType(prod.edge, 'AWS::KMS::Key')).toHaveLength(1);
    expect(only(dev.edge, 'AWS::Logs::LogGroup').KmsKeyId).toBeUndefined();
    expect(resourcesOfType(dev.edge, 'AWS::KMS::Key')).toHaveLength(0);
    expect(acknowledged(dev.app, `${wafStackName('dev')}/Logs`)['HIPAA.Security-CloudWatchLogGroupEncrypted']).toBe(WAF_LOG_KEY_REASON);
  });

  it('puts CloudFront in front of the API with that web ACL: API origin over HTTPS (TLS 1.2), all methods, nothing cached, every viewer header but Host and every query string forwarded, price class 100', () => {
    for (const stage of [dev, prod]) {
      const config = only(stage.main, 'AWS::CloudFront::Distribution').DistributionConfig as Json;
      expect(config.WebACLId).toEqual({ 'Fn::GetStackOutput': { StackName: stage.waf.stackName, Region: WAF_REGION, OutputName: expect.any(String) } });
      const outputName = config.WebACLId['Fn::GetStackOutput'].OutputName as string;
      expect(stage.edge.Outputs[outputName].Value).toEqual({ 'Fn::GetAtt': [resourcesOfType(stage.edge, 'AWS::WAFv2::WebACL')[0]![0], 'Arn'] });
      expect(config.PriceClass).toBe('PriceClass_100');
      const [origin] = config.Origins as Json[];
      expect(config.Origins).toHaveLength(1);
      const apiId = resourcesOfType(stage.main, 'AWS::ApiGatewayV2::Api')[0]![0];
      expect(origin!.DomainName).toEqual({ 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [apiId, 'ApiEndpoint'] }] }] });
      expect(origin!.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
      expect(config.DefaultCacheBehavior).toMatchObject({
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
        ViewerProtocolPolicy: 'https-only',
      });
    }
  });

  it('viewers: CloudFront’s default certificate (acknowledged: its policy is fixed), or a custom domain with TLS 1.2 at least', () => {
    const plain = only(dev.main, 'AWS::CloudFront::Distribution').DistributionConfig as Json;
    expect(plain.ViewerCertificate).toBeUndefined();
    expect(plain.Aliases).toBeUndefined();
    const custom = only(prod.main, 'AWS::CloudFront::Distribution').DistributionConfig as Json;
    expect(custom.Aliases).toEqual(['api.clinic.example']);
    expect(custom.ViewerCertificate).toMatchObject({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only', AcmCertificateArn: expect.stringMatching(/^arn:aws:acm:us-east-1:/) });
    const devAcks = acknowledged(dev.app, 'DentalBooking-dev/Edge/Distribution');
    expect(devAcks).toEqual({ ...DISTRIBUTION_ACKNOWLEDGEMENTS, 'AwsSolutions-CFR4': DEFAULT_CERTIFICATE_REASON });
    expect(acknowledged(prod.app, 'DentalBooking-prod/Edge/Distribution')).toEqual({ ...DISTRIBUTION_ACKNOWLEDGEMENTS });
    expect(acknowledged(dev.app, 'DentalBooking-dev/Edge/OriginSecret')).toEqual({ ...ORIGIN_SECRET_ACKNOWLEDGEMENTS });
  });

  it('CloudFront sends the secret header, and every function gets the same value to check and the published URL; nothing secret in the template', () => {
    for (const stage of [dev, prod]) {
      const [secretId, secret] = resourcesOfType(stage.main, 'AWS::SecretsManager::Secret')[0]!;
      expect(resourcesOfType(stage.main, 'AWS::SecretsManager::Secret')).toHaveLength(1);
      expect(secret.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 48, ExcludePunctuation: true });
      const resolved = { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] };
      const config = only(stage.main, 'AWS::CloudFront::Distribution').DistributionConfig as Json;
      expect(config.Origins[0].OriginCustomHeaders).toEqual([{ HeaderName: ORIGIN_VERIFY_HEADER, HeaderValue: resolved }]);
      const routeFunctions = routeFunctionIds(stage.main);
      expect(new Set(routeFunctions).size).toBe(routeList.length);
      const distributionId = resourcesOfType(stage.main, 'AWS::CloudFront::Distribution')[0]![0];
      const published = stage === prod ? 'https://api.clinic.example' : { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] };
      for (const id of routeFunctions) {
        const variables = stage.main.Resources[id].Properties.Environment.Variables as Json;
        expect(variables[ORIGIN_VERIFY_ENV], id).toEqual(resolved);
        expect(variables[PUBLIC_URL_ENV], id).toEqual(published);
      }
      // The other functions (webhooks) are not behind CloudFront: neither the secret nor the URL.
      const others = resourcesOfType(stage.main, 'AWS::Lambda::Function').filter(([id]) => !routeFunctions.includes(id));
      expect(others.length).toBeGreaterThan(0);
      for (const [id, fn] of others) {
        const variables = Object.keys((fn.Properties.Environment?.Variables ?? {}) as Json);
        expect(variables, id).not.toContain(ORIGIN_VERIFY_ENV);
        expect(variables, id).not.toContain(PUBLIC_URL_ENV);
      }
    }
    expect(JSON.stringify(dev.main.Outputs.ApiUrl.Value)).not.toContain('execute-api');
    expect(dev.main.Outputs.ApiUrl.Value).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [resourcesOfType(dev.main, 'AWS::CloudFront::Distribution')[0]![0], 'DomainName'] }, '/']] });
    expect(prod.main.Outputs.ApiUrl.Value).toBe('https://api.clinic.example/');
  });

  it('costs the web ACL ($5), each rule ($1, a managed group counts as one) and the secret ($0.40) a month, from both stacks; CloudFront nothing while idle', () => {
    const devCost = fixedMonthlyCost([dev.main, dev.edge], prices);
    expect(devCost.lines.map((l) => [l.item, l.count, l.usd, l.context])).toEqual([
      ['WAF web ACL (us-east-1, for CloudFront)', 1, 5, 'waf'],
      ['WAF rules', 3, 3, 'waf'],
      ['Secrets Manager secret (CloudFront origin header)', 1, 0.4, 'waf'],
    ]);
    expect(devCost.total_usd).toBe(8.4);
    // prod: its log key and the WAF log group's key in us-east-1, its alarms and dashboard, and the same three lines.
    const prodCost = fixedMonthlyCost([prod.main, prod.edge], prices);
    expect(prodCost.lines.find((l) => l.item.startsWith('KMS'))?.count).toBe(2);
    expect(prodCost.lines.filter((l) => l.context === 'waf').map((l) => l.usd)).toEqual([5, 3, 0.4]);
  });

  it.each([
    [{ waf: 'true' }, /needs the stage's region/],
    [{ waf: 'true', region: 'Ireland' }, /not an AWS region/],
    [{ waf: 'true', region: 'eu-west-1', wafDomainName: 'api.clinic.example' }, /go together/],
    [{ waf: 'true', region: 'eu-west-1', wafDomainName: 'api.clinic.example', wafCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' }, /certificate in us-east-1/],
    [{ wafDomainName: 'api.clinic.example', wafCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' }, /for a stage with waf=true/],
    [{ waf: 'maybe' }, /waf must be true or false/],
  ])('refuses %j', (context, error) => {
    const saved = process.env.CDK_DEFAULT_REGION;
    delete process.env.CDK_DEFAULT_REGION;
    try {
      expect(() => buildApp('dev', { context })).toThrow(error);
    } finally {
      if (saved !== undefined) process.env.CDK_DEFAULT_REGION = saved;
    }
  });
});
