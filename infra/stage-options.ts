/**
 * The operations choices of a stage, from CDK context, with defaults that depend on whether the stage
 * is production: what it deploys beyond the API, table and functions, and so what it costs while idle
 * (infra/cost/fixed-cost.ts prices each of them; README, "What a stage costs", lists them).
 *
 * | context | production default | other stages | fixed cost |
 * | `production` | `prod` is | any other stage is not | — |
 * | `logKey` | on (required) | off: CloudWatch Logs' own encryption | KMS key |
 * | `alarms` | on | off | per alarm metric |
 * | `dashboard` | on | off | per dashboard |
 * | `alarmEmail` | none | none | — (SNS email is free at this volume) |
 * | `latencyAlarms` | `route` (p99 per route) | `route` | per alarm metric |
 * | `tracing` | off | off | per trace recorded |
 * | `waf` | off | off | web ACL, each rule, the origin secret |
 * | `wafRateLimit` | 1000 per 5 min per IP | same | — |
 * | throttles | per route class | per route class | — |
 */
import type { Node } from 'constructs';
import { DEFAULT_WAF_RATE_LIMIT, MIN_WAF_RATE_LIMIT } from './waf-stack.ts';
import { DEFAULT_ROUTE_THROTTLES, ROUTE_CLASSES, throttleContextKeys, type RouteClass, type ThrottleSettings } from './constructs/protection.ts';

export type LatencyAlarms = 'route' | 'api';

export type StageOptions = {
  /** A production stage keeps its data and logs on deletion, and must keep the log key. */
  production: boolean;
  /** A customer managed KMS key encrypts the log groups (about $1/month). */
  logKey: boolean;
  /** The alarms (and their SNS topic). */
  alarms: boolean;
  /** One CloudWatch dashboard for the stage. */
  dashboard: boolean;
  /** An address the alarm topic mails (the recipient confirms the subscription once). */
  alarmEmail?: string;
  /** p99 latency: one alarm per route (`route`), or one on the API as a whole (`api`). */
  latencyAlarms: LatencyAlarms;
  /** X-Ray active tracing of every function that serves the stage: the routes' and webhook dispatch and retry (not the deploy-time webhook key function). */
  tracing: boolean;
  /** Throttle of each route, by the route's class. */
  routeThrottles: Record<RouteClass, ThrottleSettings>;
  /**
   * CloudFront in front of the API with an AWS WAF web ACL (in us-east-1, infra/waf-stack.ts); the
   * functions then refuse requests that did not come through it (infra/constructs/edge.ts).
   */
  waf: boolean;
  /** Requests one source IP may send in 5 minutes before the WAF blocks it (with `waf`). */
  wafRateLimit: number;
};

/** Defaults of a stage (no context). */
export function defaultStageOptions(stage: string): StageOptions {
  const production = stage === 'prod';
  return {
    production,
    logKey: production,
    alarms: production,
    dashboard: production,
    latencyAlarms: 'route',
    tracing: false,
    routeThrottles: { ...DEFAULT_ROUTE_THROTTLES },
    waf: false,
    wafRateLimit: DEFAULT_WAF_RATE_LIMIT,
  };
}

/** Reads the options from context (`-c alarms=true`, strings from the CLI, JSON values from cdk.json). */
export function readStageOptions(node: Node, stage: string): StageOptions {
  const production = readBoolean(node, 'production') ?? stage === 'prod';
  const defaults = { ...defaultStageOptions(stage), production, logKey: production, alarms: production, dashboard: production };
  const logKey = readBoolean(node, 'logKey') ?? defaults.logKey;
  if (production && !logKey) {
    throw new Error(
      'Context logKey=false: a production stage keeps its customer managed log key (HIPAA Security: log groups ' +
        'encrypted with KMS). Turn it off only on a stage that is not production.',
    );
  }
  const waf = readBoolean(node, 'waf') ?? false;
  const wafRateLimit = readPositiveInteger(node, 'wafRateLimit') ?? DEFAULT_WAF_RATE_LIMIT;
  if (wafRateLimit < MIN_WAF_RATE_LIMIT) throw new Error(`Context wafRateLimit must be at least ${MIN_WAF_RATE_LIMIT} (AWS WAF's least rate limit), got ${wafRateLimit}`);
  if (!waf && node.tryGetContext('wafRateLimit') !== undefined) throw new Error('Context wafRateLimit is set but waf is off (waf=false): there is no web ACL to apply it.');
  const alarmEmail = readString(node, 'alarmEmail');
  if (alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail)) throw new Error(`Context alarmEmail is not an email address: ${JSON.stringify(alarmEmail)}`);
  const alarms = readBoolean(node, 'alarms') ?? defaults.alarms;
  if (alarmEmail !== undefined && !alarms) throw new Error('Context alarmEmail is set but alarms are off (alarms=false): nothing would ever be sent.');
  const latencyAlarms = readString(node, 'latencyAlarms') ?? defaults.latencyAlarms;
  if (latencyAlarms !== 'route' && latencyAlarms !== 'api') throw new Error(`Context latencyAlarms must be route or api, got ${JSON.stringify(latencyAlarms)}`);
  const routeThrottles = Object.fromEntries(
    ROUTE_CLASSES.map((cls) => {
      const keys = throttleContextKeys(cls);
      return [cls, { rateLimit: readPositiveInteger(node, keys.rate) ?? DEFAULT_ROUTE_THROTTLES[cls].rateLimit, burstLimit: readPositiveInteger(node, keys.burst) ?? DEFAULT_ROUTE_THROTTLES[cls].burstLimit }];
    }),
  ) as Record<RouteClass, ThrottleSettings>;
  return {
    production,
    logKey,
    alarms,
    dashboard: readBoolean(node, 'dashboard') ?? defaults.dashboard,
    ...(alarmEmail !== undefined ? { alarmEmail } : {}),
    latencyAlarms,
    tracing: readBoolean(node, 'tracing') ?? false,
    routeThrottles,
    waf,
    wafRateLimit,
  };
}

function readBoolean(node: Node, key: string): boolean | undefined {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined) return undefined;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new Error(`Context ${key} must be true or false, got ${JSON.stringify(raw)}`);
}

function readString(node: Node, key: string): string | undefined {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw.trim() === '') throw new Error(`Context ${key} must be a non-empty string, got ${JSON.stringify(raw)}`);
  return raw.trim();
}

function readPositiveInteger(node: Node, key: string): number | undefined {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined) return undefined;
  const value = typeof raw === 'string' && raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`Context ${key} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}
