import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startLocalApi } from '../helpers/local-api.ts';
import { hashTokenSecret } from '#shared/http/auth.ts';
import { db, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
let api: Awaited<ReturnType<typeof startLocalApi>>;

function admin(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'infra/admin/cli.ts', ...args, '--table', tableName, '--endpoint', process.env.DYNAMODB_ENDPOINT!], { cwd: ROOT });
}

beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());

describe('npm run admin', () => {
  it('creates an organisation and a token that works on the API, storing only its hash', async () => {
    const org = JSON.parse((await admin('create-org', '--name', 'Harbour Dental', '--granularity', '10')).stdout);
    expect(org).toMatchObject({ name: 'Harbour Dental', slot_granularity_minutes: 10, booking_horizon_days: 365 });
    const token = JSON.parse((await admin('create-token', '--org', org.uuid, '--scopes', 'read', '--label', 'front desk')).stdout);
    expect(token.api_token).toMatch(/^dbk_/);

    const res = await client(api.baseUrl, token.api_token).get(`/api/v1/${org.uuid}/appointment-types`);
    expect(res).toMatchObject({ status: 200, body: { items: [], total: 0 } });
    const write = await client(api.baseUrl, token.api_token).post(`/api/v1/${org.uuid}/patients`, { first_name: 'A', last_name: 'B', date_of_birth: '2000-01-01' });
    expect(write.status).toBe(403);

    const stored = await db.send(new GetCommand({ TableName: tableName, Key: keys.token(hashTokenSecret(token.api_token)) }));
    expect(stored.Item).toMatchObject({ org_id: org.uuid, scopes: ['read'], label: 'front desk' });
    expect(JSON.stringify(stored.Item)).not.toContain(token.api_token);
  });

  it('refuses bad arguments with exit code 2 and usage', async () => {
    await expect(admin('create-org', '--name', 'X', '--granularity', '7')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--granularity') });
    await expect(admin('create-token', '--org', 'nope')).rejects.toMatchObject({ code: 2 });
    await expect(admin('create-token', '--org', '00000000-0000-4000-8000-000000000000', '--scopes', 'root')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('root') });
  });
});
