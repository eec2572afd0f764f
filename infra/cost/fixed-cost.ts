/**
 * What a stage costs a month while nobody uses it: the resources of its synthesized template that are
 * billed by the month (keys, alarms, dashboards, web ACLs and their rules, secrets, advanced parameters), priced with the dated
 * list prices of infra/bench/prices.json (`fixed_monthly`). `npm run bench` prints it per stage; the
 * README's cost lines are its output; a test holds dev at $0.00.
 *
 * Every resource type must be either priced here or listed as free while idle (`free_when_idle`): a
 * new type fails the calculation until someone decides which it is. What is billed by use only —
 * requests, invocations, stored data and log bytes, custom metrics (billed only for the hours they
 * receive data), traces — is the per-request cost model's, not this. A stage with `waf=true` has two
 * stacks (its web ACL's is in us-east-1): fixedMonthlyCost takes every template of the stage.
 */

export type FixedPrices = {
  as_of: string;
  region: string;
  kms_key_usd: number;
  kms_rotation_usd: number;
  kms_rotations_billed: number;
  alarm_metric_usd: number;
  alarm_metric_high_resolution_usd: number;
  dashboard_usd: number;
  waf_web_acl_usd: number;
  waf_rule_usd: number;
  ssm_advanced_parameter_usd: number;
  secrets_manager_secret_usd: number;
  free_when_idle: readonly string[];
};

export type CostLine = {
  /** What it is, as the README names it. */
  item: string;
  count: number;
  /** List price of one, per month. */
  unit_usd: number;
  usd: number;
  /** The context setting that turns it off (README). */
  context?: string;
  note?: string;
};

export type FixedCost = { lines: CostLine[]; total_usd: number };

type Resource = { Type: string; Properties?: Record<string, unknown> };
export type Template = { Resources?: Record<string, Resource> };

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Alarm metrics of one alarm: 1 for a single metric, else each metric (not expression) it reads. */
export function alarmMetrics(properties: Record<string, unknown>): { count: number; highResolution: boolean } {
  if (typeof properties.MetricName === 'string') return { count: 1, highResolution: Number(properties.Period) < 60 };
  const metrics = (properties.Metrics as Array<{ MetricStat?: { Period?: number } }> | undefined) ?? [];
  const stats = metrics.filter((m) => m.MetricStat !== undefined);
  return { count: stats.length, highResolution: stats.some((m) => Number(m.MetricStat?.Period) < 60) };
}

/** The fixed monthly cost of a synthesized template (CloudFormation JSON). */
export function fixedMonthlyCost(templates: Template | readonly Template[], prices: FixedPrices): FixedCost {
  const free = new Set(prices.free_when_idle);
  let keys = 0;
  let rotatedKeys = 0;
  let alarmMetricCount = 0;
  let highResolutionAlarmMetrics = 0;
  let alarms = 0;
  let dashboards = 0;
  let webAcls = 0;
  let wafRules = 0;
  let advancedParameters = 0;
  let secrets = 0;
  const unknown: string[] = [];

  const resources = ([] as Template[]).concat(templates).flatMap((template) => Object.entries(template.Resources ?? {}));
  for (const [id, resource] of resources) {
    const p = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::KMS::Key':
        keys++;
        if (p.EnableKeyRotation === true) rotatedKeys++;
        break;
      case 'AWS::CloudWatch::Alarm': {
        alarms++;
        const { count, highResolution } = alarmMetrics(p);
        if (highResolution) highResolutionAlarmMetrics += count;
        else alarmMetricCount += count;
        break;
      }
      case 'AWS::CloudWatch::Dashboard':
        dashboards++;
        break;
      case 'AWS::WAFv2::WebACL':
        webAcls++;
        wafRules += ((p.Rules as unknown[] | undefined) ?? []).length;
        break;
      case 'AWS::DynamoDB::Table':
        // Provisioned capacity is billed by the hour whatever the traffic: not a choice this project makes.
        if (p.BillingMode !== 'PAY_PER_REQUEST') throw new Error(`${id}: a table with provisioned capacity has a fixed cost this calculation does not price`);
        break;
      case 'AWS::SecretsManager::Secret':
        secrets++;
        break;
      case 'AWS::SSM::Parameter':
        if (p.Tier === 'Advanced') advancedParameters++;
        break;
      case 'AWS::Lambda::Function':
      case 'AWS::Lambda::Alias':
        if (p.ProvisionedConcurrencyConfig !== undefined) throw new Error(`${id}: provisioned concurrency has a fixed cost this calculation does not price`);
        if (resource.Type === 'AWS::Lambda::Alias') unknown.push(`${id} (${resource.Type})`);
        break;
      default:
        if (!free.has(resource.Type)) unknown.push(`${id} (${resource.Type})`);
    }
  }
  if (unknown.length > 0) {
    throw new Error(
      `No price for ${unknown.join(', ')}: price the type in infra/cost/fixed-cost.ts, or list it in ` +
        'infra/bench/prices.json fixed_monthly.free_when_idle if nothing is billed while the stage is idle.',
    );
  }

  const lines: CostLine[] = [];
  const line = (item: string, count: number, unit: number, extra: Partial<CostLine> = {}) => {
    if (count > 0) lines.push({ item, count, unit_usd: unit, usd: round2(count * unit), ...extra });
  };
  line('KMS customer managed key (log groups, alarm topic)', keys, prices.kms_key_usd, {
    context: 'logKey (production stages keep it)',
    ...(rotatedKeys > 0
      ? {
          note:
            `rotated yearly: each of its first ${prices.kms_rotations_billed} rotations adds $${prices.kms_rotation_usd.toFixed(2)} a month ` +
            `(up to $${(prices.kms_key_usd + prices.kms_rotations_billed * prices.kms_rotation_usd).toFixed(2)} a key from the third year)`,
        }
      : {}),
  });
  line('CloudWatch alarm metrics', alarmMetricCount, prices.alarm_metric_usd, { context: 'alarms, latencyAlarms', note: `${alarms} alarms; a math alarm counts each metric it reads` });
  line('CloudWatch high-resolution alarm metrics', highResolutionAlarmMetrics, prices.alarm_metric_high_resolution_usd, { context: 'alarms' });
  line('CloudWatch dashboard', dashboards, prices.dashboard_usd, { context: 'dashboard' });
  line('WAF web ACL (us-east-1, for CloudFront)', webAcls, prices.waf_web_acl_usd, { context: 'waf' });
  line('WAF rules', wafRules, prices.waf_rule_usd, { context: 'waf', note: 'a managed rule group counts as one rule' });
  line('Secrets Manager secret (CloudFront origin header)', secrets, prices.secrets_manager_secret_usd, { context: 'waf' });
  line('SSM advanced parameters', advancedParameters, prices.ssm_advanced_parameter_usd);
  return { lines, total_usd: round2(lines.reduce((sum, l) => sum + l.usd, 0)) };
}
