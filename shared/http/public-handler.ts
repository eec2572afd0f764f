/** The handler of a route without a token (the API description): no DynamoDB, no table name needed. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { ApiError, type FieldError } from '../errors.ts';
import type { RouteSpec } from '../routes/spec.ts';
import { logger } from '../observability/logger.ts';
import { requestMetrics } from '../observability/metrics.ts';
import { accessLog, assertBodySize, assertViaEdge, parsePart, problemErrors, type ApiEvent, type ApiResult, type Parsed } from './middleware.ts';
import { API_SECURITY_HEADERS, PAGE_SECURITY_HEADERS } from './security-headers.ts';

/**
 * A route without a token (the API description): the same error handling and access log, and its
 * path parameters validated; the action shapes the whole result (HTML, scripts, JSON).
 */
export function publicHandler<R extends RouteSpec>(
  route: R,
  action: (request: { params: Parsed<R['request']['params']>; event: ApiEvent }) => Promise<ApiResult>,
) {
  return middy<ApiEvent, ApiResult, Error, Context>()
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    // Outside the problem+json middleware, so it counts the final status (observability/metrics.ts).
    .use(requestMetrics(route))
    .use(accessLog(route))
    .use(problemErrors())
    .handler(async (event) => {
      assertViaEdge(event);
      assertBodySize(event);
      const errors: FieldError[] = [];
      const params = parsePart<R['request']['params']>('path', route.request.params, event.pathParameters ?? {}, errors);
      if (errors.length > 0) throw new ApiError('not-found', 'No such document.');
      const result = await action({ params, event });
      const html = String(result.headers?.['content-type'] ?? '').startsWith('text/html');
      return { ...result, headers: { ...(html ? PAGE_SECURITY_HEADERS : API_SECURITY_HEADERS), ...result.headers } };
    });
}

