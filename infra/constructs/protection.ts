/**
 * What stands between a stranger and the functions: API Gateway throttles per route, by the route's
 * class in the route table — reads, writes, booking (the routes that take slot locks) and the public
 * pages — instead of one stage-wide figure. Each route of a class gets the class's limits (HTTP API
 * route settings are per route, not shared by the class); context overrides each figure.
 *
 * No reserved concurrency (see FUNCTION_ACKNOWLEDGEMENTS in route-function.ts): Lambda keeps at least
 * 100 of an account's concurrency unreserved, so an account at a new account's default quota (10)
 * cannot reserve any and the deploy would fail; in a larger account every reserved unit is taken
 * from the account's pool even while idle. These throttles bound each route instead.
 *
 * Throttles count every caller together: one client can use up a route's rate for everyone. A limit
 * per source IP takes the optional WAF (context `waf=true`): AWS WAF cannot be attached to an HTTP
 * API, so it sits on a CloudFront distribution in front of it (infra/waf-stack.ts, infra/constructs/edge.ts).
 */
import type { CfnRoute, CfnStage, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IConstruct } from 'constructs';
import type { RouteSpec } from '#shared/routes/spec.ts';

export type RouteClass = 'read' | 'write' | 'booking' | 'public';
export const ROUTE_CLASSES: readonly RouteClass[] = ['read', 'write', 'booking', 'public'];

export type ThrottleSettings = { rateLimit: number; burstLimit: number };

/** The routes (by handler) that take or move slot locks: a flood of them is the most expensive to the table. */
export const BOOKING_ROUTE_HANDLERS: readonly string[] = ['book-appointment', 'update-appointment'];

/**
 * Limits per route of each class (requests per second, burst), unless context overrides them:
 * `throttle<Class>Rate` / `throttle<Class>Burst`, e.g. `-c throttleBookingRate=5`.
 * - read 50/100: the stage-wide figure every route had before (a front desk paging a calendar);
 * - write 20/40: people typing, and integrations syncing records;
 * - booking 10/20 per route: a clinic books a few appointments a minute; each takes locks in a transaction;
 * - public 10/20: the docs and desk pages and their files, cached by browsers; no table behind them.
 */
export const DEFAULT_ROUTE_THROTTLES: Readonly<Record<RouteClass, ThrottleSettings>> = {
  read: { rateLimit: 50, burstLimit: 100 },
  write: { rateLimit: 20, burstLimit: 40 },
  booking: { rateLimit: 10, burstLimit: 20 },
  public: { rateLimit: 10, burstLimit: 20 },
};

/** A route's class, from its entry in the route table. */
export function routeClass(route: Pick<RouteSpec, 'scope' | 'table' | 'method' | 'handler'>): RouteClass {
  if (route.scope === 'public') return 'public';
  if (BOOKING_ROUTE_HANDLERS.includes(route.handler)) return 'booking';
  if (route.table === 'read-write' || route.method !== 'GET') return 'write';
  return 'read';
}

/** Context keys of a class's limits. */
export const throttleContextKeys = (cls: RouteClass) => {
  const name = cls.charAt(0).toUpperCase() + cls.slice(1);
  return { rate: `throttle${name}Rate`, burst: `throttle${name}Burst` } as const;
};

/**
 * Sets every route's throttle on the stage (CloudFormation RouteSettings, keyed by route key). The
 * stage then depends on the routes: CloudFormation refuses settings for a route that does not exist yet.
 */
export function applyRouteThrottles(
  stage: HttpStage,
  routes: ReadonlyArray<{ route: Pick<RouteSpec, 'scope' | 'table' | 'method' | 'path' | 'handler'>; construct: IConstruct }>,
  limits: Readonly<Record<RouteClass, ThrottleSettings>>,
): Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> {
  const settings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
  for (const { route, construct } of routes) {
    const limit = limits[routeClass(route)];
    if (limit.burstLimit < limit.rateLimit) throw new Error(`Throttle of ${routeClass(route)} routes: burst ${limit.burstLimit} is below rate ${limit.rateLimit}`);
    settings[`${route.method} ${route.path}`] = { ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit };
    const cfnRoute = construct.node.findAll().find((c) => (c as CfnRoute).cfnResourceType === 'AWS::ApiGatewayV2::Route');
    if (cfnRoute) stage.node.addDependency(cfnRoute);
  }
  (stage.node.defaultChild as CfnStage).routeSettings = settings;
  return settings;
}
