/**
 * Lambda authorizer of the HTTP API (simple responses). It identifies the token and always passes
 * the verdict on; every route's first middleware enforces it (see shared/http/auth.ts for why).
 */
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import type { AuthorizerContext } from '#shared/http/auth.ts';
import { authorizeBearer } from '#shared/domain/tokens.ts';

export const handler = async (
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> => ({
  isAuthorized: true,
  context: await authorizeBearer(event.headers?.authorization),
});
