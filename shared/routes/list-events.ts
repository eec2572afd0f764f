import { V1, type RouteSpec } from './spec.ts';
import { OrgPath } from '../schemas/common.ts';
import { EventFeed, EventsQuery, FEED_SETTLE_SECONDS } from '../schemas/events.ts';

export const listEvents = {
  method: 'GET',
  path: `${V1}/events`,
  handler: 'list-events',
  tag: 'Events and webhooks',
  summary: 'The event feed: what changed, oldest first, after a cursor',
  description: [
    'The events webhooks deliver, for integrators who cannot receive them: pass each page’s `next_after` as `after` to read on. Payloads hold uuids, statuses and the appointment’s `version` (its ETag) only — fetch details through the API.',
    `An event is listed once it is ${FEED_SETTLE_SECONDS} s old: a change's event id is made when its request starts and its transaction commits later, so this settle time keeps a cursor from passing an event that is still to commit. Events are kept about 30 days. \`webhook.test\` events (for one endpoint) are not listed.`,
  ].join('\n\n'),
  scope: 'read',
  scopes: ['read'],
  table: 'read',
  request: { params: OrgPath, query: EventsQuery },
  responses: { 200: { description: 'Up to `limit` events after `after`, oldest first', schema: EventFeed } },
  errors: [],
} as const satisfies RouteSpec;
