/**
 * The fixed monthly cost of a template (infra/cost/fixed-cost.ts), from the dated prices the bench
 * uses: each billed type priced, alarm metrics counted as CloudWatch bills them, and an unknown type
 * refused rather than taken as free. (The synthesized stages' figures: test/infra/operations.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alarmMetrics, fixedMonthlyCost, type FixedPrices } from '../../infra/cost/fixed-cost.ts';

const prices = (JSON.parse(readFileSync(new URL('../../infra/bench/prices.json', import.meta.url), 'utf8')) as { fixed_monthly: FixedPrices }).fixed_monthly;

const metricAlarm = (period = 300) => ({ Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Latency', Namespace: 'X', Period: period, Statistic: 'Sum' } });
const mathAlarm = (metrics: number) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    Metrics: [
      { Id: 'expr', Expression: 'a + b', ReturnData: true },
      ...Array.from({ length: metrics }, (_, i) => ({ Id: `m${i}`, MetricStat: { Metric: { MetricName: 'M', Namespace: 'X' }, Period: 300, Stat: 'Sum' }, ReturnData: false })),
    ],
  },
});

describe('fixed monthly cost', () => {
  it('uses the dated list prices (2025-06-01, us-east-1)', () => {
    expect(prices).toMatchObject({ as_of: '2025-06-01', region: 'us-east-1', kms_key_usd: 1, alarm_metric_usd: 0.1, dashboard_usd: 3, waf_web_acl_usd: 5, waf_rule_usd: 1, secrets_manager_secret_usd: 0.4 });
  });

  it('is $0.00 for what is billed only by use: functions, routes, on-demand table, log groups without a key, topics, queues', () => {
    const cost = fixedMonthlyCost(
      {
        Resources: {
          T: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PAY_PER_REQUEST' } },
          F: { Type: 'AWS::Lambda::Function', Properties: {} },
          L: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
          R: { Type: 'AWS::IAM::Role' },
          Q: { Type: 'AWS::SQS::Queue' },
          S: { Type: 'AWS::SNS::Topic' },
          P: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String' } },
        },
      },
      prices,
    );
    expect(cost).toEqual({ lines: [], total_usd: 0 });
  });

  it('prices keys, alarm metrics (a math alarm counts each metric it reads), dashboards, web ACLs with their rules, advanced parameters', () => {
    const cost = fixedMonthlyCost(
      {
        Resources: {
          K: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
          A1: metricAlarm(),
          A2: metricAlarm(),
          A3: mathAlarm(8),
          H: metricAlarm(10),
          D: { Type: 'AWS::CloudWatch::Dashboard' },
          W: { Type: 'AWS::WAFv2::WebACL', Properties: { Rules: [{ Name: 'rate' }, { Name: 'common' }] } },
          P: { Type: 'AWS::SSM::Parameter', Properties: { Tier: 'Advanced' } },
        },
      },
      prices,
    );
    expect(cost.lines.map((l) => [l.item, l.count, l.usd])).toEqual([
      ['KMS customer managed key (log groups, alarm topic)', 1, 1],
      ['CloudWatch alarm metrics', 10, 1],
      ['CloudWatch high-resolution alarm metrics', 1, 0.3],
      ['CloudWatch dashboard', 1, 3],
      ['WAF web ACL (us-east-1, for CloudFront)', 1, 5],
      ['WAF rules', 2, 2],
      ['SSM advanced parameters', 1, 0.05],
    ]);
    expect(cost.total_usd).toBe(12.35);
    expect(cost.lines[0]!.note).toMatch(/up to \$3\.00 a key from the third year/);
  });

  it('prices a stage of two stacks (waf=true) together: the web ACL and its rules in one, the origin secret in the other; CloudFront free', () => {
    const stage = {
      Resources: {
        D: { Type: 'AWS::CloudFront::Distribution' },
        S: { Type: 'AWS::SecretsManager::Secret', Properties: { GenerateSecretString: {} } },
        F: { Type: 'AWS::Lambda::Function', Properties: {} },
      },
    };
    const waf = {
      Resources: {
        W: { Type: 'AWS::WAFv2::WebACL', Properties: { Rules: [{ Name: 'rate' }, { Name: 'common' }, { Name: 'bad-inputs' }] } },
        L: { Type: 'AWS::WAFv2::LoggingConfiguration' },
        G: { Type: 'AWS::Logs::LogGroup', Properties: {} },
      },
    };
    const cost = fixedMonthlyCost([stage, waf], prices);
    expect(cost.lines.map((l) => [l.item, l.count, l.usd, l.context])).toEqual([
      ['WAF web ACL (us-east-1, for CloudFront)', 1, 5, 'waf'],
      ['WAF rules', 3, 3, 'waf'],
      ['Secrets Manager secret (CloudFront origin header)', 1, 0.4, 'waf'],
    ]);
    expect(cost.total_usd).toBe(8.4);
    expect(fixedMonthlyCost([stage], prices).total_usd).toBe(0.4);
    expect(fixedMonthlyCost([], prices)).toEqual({ lines: [], total_usd: 0 });
  });

  it('counts alarm metrics as CloudWatch bills them', () => {
    expect(alarmMetrics(metricAlarm().Properties)).toEqual({ count: 1, highResolution: false });
    expect(alarmMetrics(metricAlarm(10).Properties)).toEqual({ count: 1, highResolution: true });
    expect(alarmMetrics(mathAlarm(2).Properties)).toEqual({ count: 2, highResolution: false });
  });

  it('refuses a type it has no price for, and fixed-cost choices it does not price', () => {
    expect(() => fixedMonthlyCost({ Resources: { N: { Type: 'AWS::EC2::NatGateway' } } }, prices)).toThrow(/No price for N \(AWS::EC2::NatGateway\)/);
    expect(() => fixedMonthlyCost({ Resources: { T: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PROVISIONED' } } } }, prices)).toThrow(/provisioned capacity/);
    expect(() => fixedMonthlyCost({ Resources: { T: { Type: 'AWS::DynamoDB::Table', Properties: {} } } }, prices)).toThrow(/provisioned capacity/);
    expect(() => fixedMonthlyCost({ Resources: { F: { Type: 'AWS::Lambda::Function', Properties: { ProvisionedConcurrencyConfig: {} } } } }, prices)).toThrow(/provisioned concurrency/);
  });
});
