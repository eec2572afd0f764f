/**
 * Lambda authorizer of the HTTP API (simple responses). It identifies the token and always passes
 * the verdict on; every route's first middleware enforces it (see shared/http/auth.ts for why).
 *
 * It never throws: API Gateway answers a throwing (or timed-out) authorizer with a bare 500. When the
 * token cannot be looked up, the verdict says so (`unavailable` when DynamoDB is throttling or
 * unreachable, else `error`) and the route answers 503 with Retry-After, or 500, as problem+json.
 */
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import type { AuthorizerContext } from '#shared/http/auth.ts';
import { authorizeBearer } from '#shared/domain/tokens.ts';
import { isRetryableDbError } from '#shared/db/errors.ts';

/** Levels in order, as the shared logger reads LOG_LEVEL (SILENT silences). */
const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'];
const threshold = Math.max(0, LEVELS.indexOf((process.env.POWERTOOLS_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'INFO').toUpperCase()));

export const handler = async (
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> => {
  let context: AuthorizerContext;
  try {
    context = await authorizeBearer(event.headers?.authorization);
  } catch (error) {
    const unavailable = isRetryableDbError(error);
    // One JSON line on stdout, as the shared logger writes them (which this small bundle leaves out):
    // the error's name only — never the header, nor a message that might quote it.
    const line = {
      level: unavailable ? 'WARN' : 'ERROR',
      message: 'token lookup failed',
      service: 'dental-booking-api',
      error: error instanceof Error ? error.name : typeof error,
      aws_request_id: (error as { $metadata?: { requestId?: string } } | null)?.$metadata?.requestId,
    };
    if (LEVELS.indexOf(line.level) >= threshold) process.stdout.write(`${JSON.stringify(line)}\n`);
    context = { rejection: unavailable ? 'unavailable' : 'error' };
  }
  return { isAuthorized: true, context };
};
