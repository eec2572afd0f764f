import { API_ROOT, type RouteSpec } from './spec.ts';
import { WhoAmI } from '../schemas/whoami.ts';

export const whoami = {
  method: 'GET',
  path: `${API_ROOT}/whoami`,
  handler: 'whoami',
  tag: 'API description',
  summary: 'The calling token: its organisation, label, scopes and expiry',
  description:
    'Any valid token may call it, whatever its scopes. The path names no organisation: the answer is the ' +
    "token's own, so a client (the front desk page) needs nothing but the token to find its `org_id`.",
  scope: 'read',
  scopes: ['read', 'write', 'admin', 'clinical'],
  org: 'token',
  table: 'read',
  request: {},
  responses: { 200: { description: 'The token and its organisation', schema: WhoAmI } },
  errors: [],
} as const satisfies RouteSpec;
