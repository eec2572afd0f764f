import { V1, type RouteSpec } from './spec.ts';
import { Provider, ProviderPath, UpdateProviderBody } from '../schemas/providers.ts';

export const updateProvider = {
  method: 'PATCH',
  path: `${V1}/providers/{provider_uuid}`,
  handler: 'update-provider',
  tag: 'Practice setup',
  summary: 'Change or deactivate a provider',
  description:
    'Deactivating a provider who has future live appointments is refused with 409 `has-appointments`, naming each in `conflicts`: move or cancel them first. A deactivated provider takes no new bookings. `can_examine: false` refuses bookings, moves and type changes to types with `requires_exam` from then on (booked appointments stay as they are).',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  request: { params: ProviderPath, body: UpdateProviderBody },
  responses: { 200: { description: 'The provider, changed', schema: Provider } },
  errors: [404, 409],
} as const satisfies RouteSpec;
