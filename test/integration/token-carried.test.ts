/**
 * The token read carried by a route's first batch read (shared/db/request-gate.ts): the verdict is
 * the same as a GetItem of its own would give — a revoked, unknown or under-scoped token is refused
 * and nothing is written — the route never sees the token item, and a token key DynamoDB leaves
 * unprocessed is read alone instead.
 */
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';
import { getOne } from '#shared/db/operations.ts';
import { TokenRead, withRequestGate } from '#shared/db/request-gate.ts';
import { countStages } from '#shared/db/stage-counter.ts';
import { hashTokenSecret } from '#shared/domain/auth.ts';
import { createToken, revokeToken } from '#shared/domain/tokens.ts';
import { client } from '../helpers/local-api.ts';
import { appointmentItem, operatoryLocks, providerLocks } from '../helpers/table.ts';
import { useClinic } from '../helpers/use-clinic.ts';

const LA = 'America/Los_Angeles';
const fixture = useClinic();

let dayCounter = 0;
const freshDay = () => DateTime.now().setZone(LA).plus({ days: 30 + ++dayCounter }).toISODate()!;

function booking(day: string) {
  const { clinic } = fixture;
  return {
    patient_uuid: clinic.patients.jane.uuid,
    appointment_type_uuid: clinic.types.exam.uuid,
    location_uuid: clinic.location.uuid,
    provider_uuid: clinic.dentist.uuid,
    operatory_uuid: clinic.operatories[0]!.uuid,
    scheduled_start: `${day}T10:00:00`,
    scheduled_end: `${day}T11:00:00`,
  };
}

/** Runs `work` counting its DynamoDB calls. */
async function counted<T>(work: () => Promise<T>) {
  const counter = countStages(db);
  try {
    return await counter.measure(work);
  } finally {
    counter.remove();
  }
}

/** Nothing of a refused booking was written: no locks of the provider or the chair that day. */
async function expectNothingBookedOn(day: string) {
  const { clinic } = fixture;
  const onDay = (items: Record<string, unknown>[]) => items.filter((i) => String(i.sk).includes(day.replaceAll('-', '')) || String(i.sk).includes(day));
  expect(onDay(await providerLocks(clinic.orgId, clinic.dentist.uuid))).toEqual([]);
  expect(onDay(await operatoryLocks(clinic.orgId, clinic.operatories[0]!.uuid))).toEqual([]);
}

describe('a booking whose first batch read carries the token', () => {
  it('books with two calls: the batch read (with the token) and the transaction', async () => {
    const { http, base } = fixture;
    const { result, count } = await counted(() => http.post(`${base}/appointments`, booking(freshDay())));
    expect(result.status).toBe(201);
    expect(count.calls).toEqual({ BatchGetItemCommand: 1, TransactWriteItemsCommand: 1 });
    expect(await appointmentItem(fixture.clinic.orgId, result.body.uuid)).toBeDefined();
  });

  it('refuses a revoked token with 401 on its very next request, sending no write', async () => {
    const { api, base, clinic } = fixture;
    const { token_id, secret } = await createToken(clinic.orgId, { scopes: ['read', 'write'], label: 'to revoke' });
    const holder = client(api.baseUrl, secret);
    expect((await holder.post(`${base}/appointments`, booking(freshDay()))).status).toBe(201);
    await revokeToken(clinic.orgId, token_id);
    const day = freshDay();
    const { result, count } = await counted(() => holder.post(`${base}/appointments`, booking(day)));
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ status: 401 });
    expect(count.calls).toEqual({ BatchGetItemCommand: 1 });
    await expectNothingBookedOn(day);
  });

  it('refuses an unknown token (401) and a token without the write scope (403), writing nothing', async () => {
    const { api, base, clinic } = fixture;
    const day = freshDay();
    const unknown = await counted(() => client(api.baseUrl, `dbk_${'x'.repeat(43)}`).post(`${base}/appointments`, booking(day)));
    expect(unknown.result.status).toBe(401);
    expect(unknown.count.calls).toEqual({ BatchGetItemCommand: 1 });
    const { secret } = await createToken(clinic.orgId, { scopes: ['read'], label: 'read only' });
    const readOnly = await counted(() => client(api.baseUrl, secret).post(`${base}/appointments`, booking(day)));
    expect(readOnly.result.status).toBe(403);
    expect(readOnly.count.calls).toEqual({ BatchGetItemCommand: 1 });
    await expectNothingBookedOn(day);
  });

  it('reads the token alone when DynamoDB leaves its key unprocessed, and books', async () => {
    const { http, base } = fixture;
    // Inside the gate (a lower priority of the same step): the batch answers without the token item
    // and names its key as unprocessed, as DynamoDB may under load.
    const name = 'leave-token-unprocessed';
    db.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName !== 'BatchGetItemCommand') return result;
        const output = result.output as { Responses?: Record<string, Record<string, unknown>[]>; UnprocessedKeys?: Record<string, { Keys?: unknown[] }> };
        const items = output.Responses?.[tableName] ?? [];
        const tokens = items.filter((i) => String(i.pk).startsWith('TOKEN#'));
        if (tokens.length === 0) return result;
        output.Responses![tableName] = items.filter((i) => !tokens.includes(i));
        output.UnprocessedKeys = { [tableName]: { Keys: tokens.map((t) => ({ pk: t.pk, sk: t.sk })) } };
        return result;
      },
      { step: 'initialize', name, priority: 'low' },
    );
    try {
      const { result, count } = await counted(() => http.post(`${base}/appointments`, booking(freshDay())));
      expect(result.status, JSON.stringify(result.body)).toBe(201);
      expect(count.calls).toEqual({ BatchGetItemCommand: 1, GetItemCommand: 1, TransactWriteItemsCommand: 1 });
    } finally {
      db.middlewareStack.remove(name);
    }
  });
});

describe('the request gate and a batch read', () => {
  it('adds the token key to the first consistent batch read, hands the token item to the verification and only the route’s items to the route', async () => {
    const { clinic } = fixture;
    const tokenKey = keys.token(hashTokenSecret(clinic.token));
    const read = new TokenRead(tokenKey, () => getOne(tokenKey));
    const patientKey = keys.patient(clinic.orgId, clinic.patients.jane.uuid);
    const sent: unknown[] = [];
    const name = 'observe-batch';
    db.middlewareStack.add(
      (next) => async (args) => {
        sent.push(JSON.parse(JSON.stringify(args.input)));
        return next(args);
      },
      { step: 'initialize', name, priority: 'low' },
    );
    try {
      const out = await withRequestGate({ verified: read.item, token: read }, () =>
        db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: [patientKey], ConsistentRead: true } } })),
      );
      expect(out.Responses?.[tableName]?.map((i) => i.pk)).toEqual([patientKey.pk]);
      expect((await read.item)?.org_id).toBe(clinic.orgId);
      expect(sent).toEqual([{ RequestItems: { [tableName]: { Keys: [patientKey, tokenKey], ConsistentRead: true } } }]);
    } finally {
      db.middlewareStack.remove(name);
    }
  });

  it('leaves an eventually consistent or projected batch read alone and reads the token by itself', async () => {
    const { clinic } = fixture;
    const tokenKey = keys.token(hashTokenSecret(clinic.token));
    const patientKey = keys.patient(clinic.orgId, clinic.patients.jane.uuid);
    for (const request of [{ Keys: [patientKey] }, { Keys: [patientKey], ConsistentRead: true, ProjectionExpression: 'pk' }]) {
      const read = new TokenRead(tokenKey, () => getOne(tokenKey));
      const { count } = await counted(() =>
        withRequestGate({ verified: read.item, token: read }, () => db.send(new BatchGetCommand({ RequestItems: { [tableName]: request } }))),
      );
      expect(count.calls).toEqual({ BatchGetItemCommand: 1, GetItemCommand: 1 });
      expect((await read.item)?.org_id).toBe(clinic.orgId);
    }
  });
});
