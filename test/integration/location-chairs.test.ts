/**
 * A location lists its operatories (shared/db/repositories/locations.ts), so a booking that leaves
 * the chair to us reads the chairs with their locks in one stage and never queries them. The list is
 * kept in the same transaction as each new operatory, is never part of the API's location, stays
 * complete for a location written before it existed, and is bounded.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';
import { MAX_OPERATORIES_PER_LOCATION } from '#shared/db/repositories/locations.ts';
import { countStages } from '#shared/db/stage-counter.ts';
import { createLocation } from '#shared/domain/locations.ts';
import { createOperatory, updateOperatory } from '#shared/domain/operatories.ts';
import { createProvider } from '#shared/domain/providers.ts';
import { worksAroundTheClock, type TestClinic } from '../helpers/clinic.ts';
import { useClinic, type Client } from '../helpers/use-clinic.ts';

const fixture = useClinic();
let clinic: TestClinic;
let http: Client;
let base: string;
beforeAll(() => ({ clinic, http, base } = fixture));

const locationItem = async (locationId: string) =>
  (await db.send(new GetCommand({ TableName: tableName, Key: keys.location(clinic.orgId, locationId), ConsistentRead: true }))).Item!;

let days = 0;
const nextDay = () => DateTime.now().setZone('America/Los_Angeles').plus({ days: 40 + ++days }).toISODate()!;

async function newLocation(chairs: number) {
  const location = await createLocation(clinic.orgId, { name: `Annex ${days++}`, time_zone: 'America/Los_Angeles' });
  const operatories = [];
  for (let i = 0; i < chairs; i++) operatories.push(await createOperatory(clinic.orgId, { location_uuid: location.uuid, name: `Chair ${String.fromCharCode(90 - i)}` }));
  for (const p of [clinic.dentist, clinic.hygienist]) await worksAroundTheClock(clinic.orgId, p.uuid, location.uuid);
  return { location, operatories };
}

const book = (locationId: string, day: string, hour = 10, providerId = clinic.dentist.uuid) =>
  http.post(`${base}/appointments`, {
    patient_uuid: clinic.patients.jane.uuid,
    appointment_type_uuid: clinic.types.cleaning.uuid,
    location_uuid: locationId,
    provider_uuid: providerId,
    scheduled_start: `${day}T${String(hour).padStart(2, '0')}:00:00`,
    scheduled_end: `${day}T${String(hour).padStart(2, '0')}:45:00`,
  });

describe("a location's list of its operatories", () => {
  it('lists every operatory as it is created, and is not part of the location the API answers', async () => {
    const { location, operatories } = await newLocation(3);
    const item = await locationItem(location.uuid);
    expect(item.chairs_listed).toBe(true);
    expect([...(item.operatory_uuids as Set<string>)].sort()).toEqual(operatories.map((o) => o.uuid).sort());
    const read = await http.get(`${base}/locations/${location.uuid}`);
    expect(read.status).toBe(200);
    expect(Object.keys(read.body).sort()).toEqual(['address', 'name', 'time_zone', 'uuid']);
    const listed = await http.get(`${base}/locations`);
    for (const l of listed.body.items) expect(Object.keys(l).sort()).toEqual(['address', 'name', 'time_zone', 'uuid']);
    // Creating one again with its uuid changes nothing.
    await createOperatory(clinic.orgId, { uuid: operatories[0]!.uuid, location_uuid: location.uuid, name: 'Again' });
    expect((await locationItem(location.uuid)).operatory_uuids).toEqual(item.operatory_uuids);
  });

  it('auto-assigns the first free active chair by name, reading chairs and locks together (no Query)', async () => {
    const { location, operatories } = await newLocation(3);
    const thirdProvider = await createProvider(clinic.orgId, { first_name: 'Ana', last_name: 'Ruiz', title: 'DMD' });
    await worksAroundTheClock(clinic.orgId, thirdProvider.uuid, location.uuid);
    // Chairs are named Z, Y, X in creation order: name order is X, Y, Z.
    const [z, y, x] = operatories;
    await updateOperatory(clinic.orgId, location.uuid, x!.uuid, { is_active: false });
    const day = nextDay();
    const counter = countStages(db);
    try {
      const first = await counter.measure(() => book(location.uuid, day));
      expect(first.result.status, JSON.stringify(first.result.body)).toBe(201);
      expect(first.result.body.operatory.uuid).toBe(y!.uuid);
      expect(first.count.stages).toBe(3);
      expect(first.count.calls.QueryCommand).toBeUndefined();
      // Another provider at the same time gets the next chair; a third finds both taken.
      const second = await counter.measure(() => book(location.uuid, day, 10, clinic.hygienist.uuid));
      expect(second.result.status, JSON.stringify(second.result.body)).toBe(201);
      expect(second.result.body.operatory.uuid).toBe(z!.uuid);
      const third = await counter.measure(() => book(location.uuid, day, 10, thirdProvider.uuid));
      expect(third.result.status, JSON.stringify(third.result.body)).toBe(409);
      expect(third.result.body.conflicts.map((c: { resource_uuid: string }) => c.resource_uuid).sort()).toEqual([y!.uuid, z!.uuid].sort());
    } finally {
      counter.remove();
    }
  });

  it('a location from before the list books by querying its chairs, and its next operatory lists them all', async () => {
    const { location, operatories } = await newLocation(2);
    // As a location item was written before the list existed.
    await db.send(new UpdateCommand({ TableName: tableName, Key: keys.location(clinic.orgId, location.uuid), UpdateExpression: 'REMOVE chairs_listed, operatory_uuids' }));
    const day = nextDay();
    const counter = countStages(db);
    try {
      const legacy = await counter.measure(() => book(location.uuid, day));
      expect(legacy.result.status, JSON.stringify(legacy.result.body)).toBe(201);
      expect(legacy.count.calls.QueryCommand).toBe(1);
      expect(operatories.map((o) => o.uuid)).toContain(legacy.result.body.operatory.uuid);

      const added = await createOperatory(clinic.orgId, { location_uuid: location.uuid, name: 'Chair A' });
      const item = await locationItem(location.uuid);
      expect(item.chairs_listed).toBe(true);
      expect([...(item.operatory_uuids as Set<string>)].sort()).toEqual([...operatories.map((o) => o.uuid), added.uuid].sort());
      const listed = await counter.measure(() => book(location.uuid, day, 12));
      expect(listed.result.status, JSON.stringify(listed.result.body)).toBe(201);
      expect(listed.result.body.operatory.uuid).toBe(added.uuid);
      expect(listed.count.calls.QueryCommand).toBeUndefined();
    } finally {
      counter.remove();
    }
  });

  it(`has at most ${MAX_OPERATORIES_PER_LOCATION} operatories: one more is a 422, and nothing is written`, async () => {
    const location = await createLocation(clinic.orgId, { name: 'Big practice', time_zone: 'America/Los_Angeles' });
    await Promise.all(
      Array.from({ length: MAX_OPERATORIES_PER_LOCATION }, (_, i) => createOperatory(clinic.orgId, { location_uuid: location.uuid, name: `Chair ${i}` })),
    );
    expect((await locationItem(location.uuid)).operatory_uuids.size).toBe(MAX_OPERATORIES_PER_LOCATION);
    const refused = await http.post(`${base}/locations/${location.uuid}/operatories`, { name: 'One too many' });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'path.location_uuid' })]);
    const chairs = await http.get(`${base}/locations/${location.uuid}/operatories`);
    expect(chairs.body.total).toBe(MAX_OPERATORIES_PER_LOCATION);
  });
});
