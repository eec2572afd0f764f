import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { main } from '../../infra/admin/cli.ts';
import { resolveTarget, stackName, TargetNotFoundError, TargetUsageError, type DescribeStacksClient } from '../../infra/admin/target.ts';
import { stackName as appStackName } from '../../infra/booking-app.ts';
import { client } from '../helpers/local-api.ts';
import { useLocalApi } from '../helpers/use-clinic.ts';
import { hashTokenSecret } from '#shared/http/auth.ts';
import { db, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const api = useLocalApi();

/** What a run of the CLI printed; a failed run rejects with it and its exit `code`, as execFile does. */
type Output = { stdout: string; stderr: string };

/**
 * The CLI with no target added, run in this process (infra/admin/cli.ts `main`): the arguments a user
 * types after `npm run admin --`, a copy of the environment with `env` added. It works on this run's
 * table, which the modules of this process already use (main refuses any other).
 */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Output> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { ...process.env, ...env },
  });
  if (code !== 0) throw Object.assign(new Error(`admin ${args.join(' ')} exited with ${code}:\n${stderr}`), { code, stdout, stderr });
  return { stdout, stderr };
}

/** The CLI against this run's DynamoDB Local table. */
function admin(...args: string[]) {
  return cli([...args, '--table', tableName, '--endpoint', process.env.DYNAMODB_ENDPOINT!]);
}

async function newOrg(name: string): Promise<string> {
  return (JSON.parse((await admin('create-org', '--name', name, '--time-zone', 'America/New_York')).stdout) as { uuid: string }).uuid;
}

describe('npm run admin, as a user runs it (a process of its own)', () => {
  const npmAdmin = (...args: string[]) =>
    run('npm', ['run', '--silent', 'admin', '--', ...args, '--table', tableName, '--endpoint', process.env.DYNAMODB_ENDPOINT!], { cwd: ROOT, env: process.env });

  it('prints the organisation as JSON and exits 0; bad arguments exit 2 with usage', async () => {
    const { stdout, stderr } = await npmAdmin('create-org', '--name', 'Smoke Dental', '--time-zone', 'Europe/Lisbon');
    const org = JSON.parse(stdout);
    expect(org).toMatchObject({ name: 'Smoke Dental', default_time_zone: 'Europe/Lisbon', slot_granularity_minutes: 15, booking_horizon_days: 365 });
    expect(stderr).toContain(`Using table ${tableName}.`);
    const stored = await db.send(new GetCommand({ TableName: tableName, Key: keys.org(org.uuid) }));
    expect(stored.Item).toMatchObject({ name: 'Smoke Dental', default_time_zone: 'Europe/Lisbon' });
    await expect(npmAdmin('create-token', '--org', org.uuid, '--scopes', 'root')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: npm run admin') });
  });
});

describe('npm run admin', () => {
  it('creates an organisation and a token that works on the API, storing only its hash', async () => {
    const org = JSON.parse((await admin('create-org', '--name', 'Harbour Dental', '--time-zone', 'Europe/Dublin', '--granularity', '10')).stdout);
    expect(org).toMatchObject({ name: 'Harbour Dental', default_time_zone: 'Europe/Dublin', slot_granularity_minutes: 10, booking_horizon_days: 365 });
    const orgItem = await db.send(new GetCommand({ TableName: tableName, Key: keys.org(org.uuid) }));
    expect(orgItem.Item).toMatchObject({ name: 'Harbour Dental', default_time_zone: 'Europe/Dublin' });
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
    await Promise.all([
      expect(admin('create-org', '--name', 'X', '--time-zone', 'America/New_York', '--granularity', '7')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--granularity') }),
      expect(admin('create-token', '--org', 'nope')).rejects.toMatchObject({ code: 2 }),
      expect(admin('create-token', '--org', '00000000-0000-4000-8000-000000000000', '--scopes', 'root')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('root') }),
      expect(admin('create-org', '--name', 'X', '--time-zone', 'Mars/Olympus_Mons')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--time-zone') }),
      expect(admin('create-org', '--name', 'X', '--time-zone', 'EST')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('IANA') }),
      expect(admin('create-org', '--name', 'X')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--time-zone') }),
      expect(cli(['list-tokens', '--org', '00000000-0000-4000-8000-000000000000'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--stage') }),
      expect(cli(['list-tokens', '--local', '--stage', 'dev'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('only one') }),
      expect(admin('frobnicate')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown command') }),
    ]);
  });

  it('run in a process whose table modules use another table, refuses to work on this one (exit 1)', async () => {
    const other = cli(['create-org', '--name', 'Elsewhere Dental', '--time-zone', 'America/New_York', '--table', 'some-other-table', '--endpoint', process.env.DYNAMODB_ENDPOINT!]);
    await expect(other).rejects.toMatchObject({ code: 1, stdout: '', stderr: expect.stringContaining(`already works on table ${tableName}`) });
  });

  it('refuses a token for an organisation that does not exist (exit 1)', async () => {
    await expect(admin('create-token', '--org', '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('No organisation') });
  });

  it('lists an organisation\'s tokens with their metadata, never the secret or its hash', async () => {
    const orgId = await newOrg('List Dental');
    const other = await newOrg('Other Dental');
    const a = JSON.parse((await admin('create-token', '--org', orgId, '--scopes', 'read', '--label', 'front desk')).stdout);
    const b = JSON.parse((await admin('create-token', '--org', orgId, '--scopes', 'read,write,admin', '--label', 'ehr sync', '--expires', '2030-01-01T00:00:00Z')).stdout);
    await admin('create-token', '--org', other, '--label', 'not mine');

    const { stdout } = await admin('list-tokens', '--org', orgId);
    const listed = JSON.parse(stdout);
    expect(listed.org_id).toBe(orgId);
    expect(listed.tokens).toHaveLength(2);
    expect(listed.tokens).toEqual(
      expect.arrayContaining([
        { token_id: a.token_id, label: 'front desk', scopes: ['read'], created_at: expect.stringMatching(/Z$/), expires_at: null, revoked_at: null },
        { token_id: b.token_id, label: 'ehr sync', scopes: ['read', 'write', 'admin'], created_at: expect.stringMatching(/Z$/), expires_at: '2030-01-01T00:00:00Z', revoked_at: null },
      ]),
    );
    for (const token of [a, b]) {
      expect(stdout).not.toContain(token.api_token);
      expect(stdout).not.toContain(hashTokenSecret(token.api_token));
    }
    expect(stdout).not.toMatch(/hash|dbk_/);
  });

  it('revokes a token: the API refuses it at once, both items say so, and revoking again is harmless', async () => {
    const orgId = await newOrg('Revoke Dental');
    const kept = JSON.parse((await admin('create-token', '--org', orgId, '--scopes', 'read', '--label', 'kept')).stdout);
    const token = JSON.parse((await admin('create-token', '--org', orgId, '--scopes', 'read', '--label', 'leaked')).stdout);
    const path = `/api/v1/${orgId}/appointment-types`;
    expect((await client(api.baseUrl, token.api_token).get(path)).status).toBe(200);

    const revoked = JSON.parse((await admin('revoke-token', '--org', orgId, '--token-id', token.token_id)).stdout);
    expect(revoked).toMatchObject({ token_id: token.token_id, label: 'leaked', revoked_at: expect.stringMatching(/Z$/) });
    expect((await client(api.baseUrl, token.api_token).get(path)).status).toBe(401);
    expect((await client(api.baseUrl, kept.api_token).get(path)).status).toBe(200);

    const stored = await db.send(new GetCommand({ TableName: tableName, Key: keys.token(hashTokenSecret(token.api_token)) }));
    expect(stored.Item?.revoked_at).toBe(revoked.revoked_at);
    const listed = JSON.parse((await admin('list-tokens', '--org', orgId)).stdout);
    expect(listed.tokens.find((t: { token_id: string }) => t.token_id === token.token_id).revoked_at).toBe(revoked.revoked_at);
    expect(listed.tokens.find((t: { token_id: string }) => t.token_id === kept.token_id).revoked_at).toBeNull();

    const again = JSON.parse((await admin('revoke-token', '--org', orgId, '--token-id', token.token_id)).stdout);
    expect(again.revoked_at).toBe(revoked.revoked_at);
  });

  it('says clearly when the token to revoke does not exist (exit 1) or is not a token id (exit 2)', async () => {
    const orgId = await newOrg('Unknown Token Dental');
    const missing = '11111111-1111-4111-8111-111111111111';
    await expect(admin('revoke-token', '--org', orgId, '--token-id', missing)).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining(`No token ${missing} in organisation ${orgId}`) });
    await expect(admin('revoke-token', '--org', orgId, '--token-id', 'dbk_abc')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--token-id') });
    // Another organisation's token id is unknown here.
    const other = await newOrg('Other Org Dental');
    const token = JSON.parse((await admin('create-token', '--org', other)).stdout);
    await expect(admin('revoke-token', '--org', orgId, '--token-id', token.token_id)).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('No token') });
    expect((await client(api.baseUrl, token.api_token).get(`/api/v1/${other}/appointment-types`)).status).toBe(200);
  });

  it('creates clinical tokens, and grants clinical to an existing token: its next request may read notes, its other scopes stay', async () => {
    const orgId = await newOrg('Clinical Dental');
    const notes = `/api/v1/${orgId}/appointments/00000000-0000-4000-8000-000000000000/notes`;
    const types = `/api/v1/${orgId}/appointment-types`;
    const clinical = JSON.parse((await admin('create-token', '--org', orgId, '--scopes', 'clinical', '--label', 'hygienist tablet')).stdout);
    expect(clinical.scopes).toEqual(['clinical']);
    // Past the scope check: the appointment is unknown (404), not the token's scope (403).
    expect((await client(api.baseUrl, clinical.api_token).get(notes)).status).toBe(404);
    expect((await client(api.baseUrl, clinical.api_token).get(types)).status).toBe(403);

    const desk = JSON.parse((await admin('create-token', '--org', orgId, '--scopes', 'read,write', '--label', 'front desk')).stdout);
    expect((await client(api.baseUrl, desk.api_token).get(notes)).status).toBe(403);
    const granted = JSON.parse((await admin('grant-scopes', '--org', orgId, '--token-id', desk.token_id, '--scopes', 'clinical')).stdout);
    expect(granted).toMatchObject({ org_id: orgId, token_id: desk.token_id, label: 'front desk', scopes: ['read', 'write', 'clinical'], revoked_at: null });
    expect((await client(api.baseUrl, desk.api_token).get(notes)).status).toBe(404);
    expect((await client(api.baseUrl, desk.api_token).get(types)).status).toBe(200);
    const stored = await db.send(new GetCommand({ TableName: tableName, Key: keys.token(hashTokenSecret(desk.api_token)) }));
    expect(stored.Item?.scopes).toEqual(['read', 'write', 'clinical']);
    // Granting again changes nothing; list-tokens shows it.
    expect(JSON.parse((await admin('grant-scopes', '--org', orgId, '--token-id', desk.token_id, '--scopes', 'clinical,read')).stdout).scopes).toEqual(['read', 'write', 'clinical']);
    const listed = JSON.parse((await admin('list-tokens', '--org', orgId)).stdout);
    expect(listed.tokens.find((t: { token_id: string }) => t.token_id === desk.token_id).scopes).toEqual(['read', 'write', 'clinical']);

    await expect(admin('grant-scopes', '--org', orgId, '--token-id', desk.token_id, '--scopes', 'root')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('root') });
    await expect(admin('grant-scopes', '--org', orgId, '--token-id', desk.token_id)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--scopes') });
    await expect(admin('grant-scopes', '--org', orgId, '--token-id', '11111111-1111-4111-8111-111111111111', '--scopes', 'clinical')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('No token') });
    await admin('revoke-token', '--org', orgId, '--token-id', clinical.token_id);
    await expect(admin('grant-scopes', '--org', orgId, '--token-id', clinical.token_id, '--scopes', 'read')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('revoked') });
  });

  describe('--local (the running npm start, from its dev.json)', () => {
    let stateDir: string;
    beforeAll(() => {
      stateDir = mkdtempSync(join(tmpdir(), 'admin-cli-local-'));
    });
    afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

    it('uses the endpoint and table npm start wrote', async () => {
      writeFileSync(join(stateDir, 'dev.json'), JSON.stringify({ api_url: 'http://127.0.0.1:1', dynamodb_endpoint: process.env.DYNAMODB_ENDPOINT, table_name: tableName }));
      const org = JSON.parse((await cli(['create-org', '--local', '--name', 'Local Dental', '--time-zone', 'America/Chicago'], { LOCAL_STATE_DIR: stateDir })).stdout);
      const stored = await db.send(new GetCommand({ TableName: tableName, Key: keys.org(org.uuid) }));
      expect(stored.Item).toMatchObject({ name: 'Local Dental', default_time_zone: 'America/Chicago' });
      const { stdout } = await cli(['list-tokens', '--local', '--org', org.uuid], { LOCAL_STATE_DIR: stateDir });
      expect(JSON.parse(stdout)).toEqual({ org_id: org.uuid, tokens: [] });
    });

    it('says to run npm start when there is no dev.json, an old one, or nothing answering', async () => {
      const env = { LOCAL_STATE_DIR: join(stateDir, 'nothing-here') };
      await expect(cli(['list-tokens', '--local', '--org', '00000000-0000-4000-8000-000000000000'], env)).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('npm start') });
      const old = mkdtempSync(join(stateDir, 'old-'));
      writeFileSync(join(old, 'dev.json'), JSON.stringify({ api_url: 'http://127.0.0.1:3000', org_id: 'x', api_token: 'dbk_x' }));
      await expect(cli(['list-tokens', '--local', '--org', '00000000-0000-4000-8000-000000000000'], { LOCAL_STATE_DIR: old })).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('npm start') });
      const stopped = mkdtempSync(join(stateDir, 'stopped-'));
      writeFileSync(join(stopped, 'dev.json'), JSON.stringify({ dynamodb_endpoint: 'http://127.0.0.1:1', table_name: 'dental-booking-local' }));
      await expect(cli(['list-tokens', '--local', '--org', '00000000-0000-4000-8000-000000000000'], { LOCAL_STATE_DIR: stopped })).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('is `npm start` running?') });
    });
  });
});

describe('resolveTarget --stage (CloudFormation faked, the resolver called directly)', () => {
  function fakeCloudFormation(answer: (stackName: string) => unknown) {
    const asked: string[] = [];
    const client: DescribeStacksClient = {
      send: async (command: DescribeStacksCommand) => {
        asked.push(command.input.StackName!);
        return answer(command.input.StackName!) as never;
      },
    };
    return { asked, cloudFormation: () => client };
  }

  it('reads the TableName output of DentalBooking-<stage>, the stack booking-app.ts names', async () => {
    expect(stackName('dev')).toBe(appStackName('dev'));
    const fake = fakeCloudFormation((name) => ({
      Stacks: [{ StackName: name, StackStatus: 'UPDATE_COMPLETE', Outputs: [
        { OutputKey: 'ApiUrl', OutputValue: 'https://abc.execute-api.eu-west-1.amazonaws.com/' },
        { OutputKey: 'TableName', OutputValue: 'DentalBooking-dev-TableCD117FA1-XYZ' },
      ] }],
    }));
    await expect(resolveTarget({ stage: 'dev' }, fake)).resolves.toEqual({ tableName: 'DentalBooking-dev-TableCD117FA1-XYZ', source: 'stack DentalBooking-dev' });
    expect(fake.asked).toEqual(['DentalBooking-dev']);
  });

  it('names the missing stack, the missing output, and a bad stage', async () => {
    const missing = fakeCloudFormation((name) => {
      throw Object.assign(new Error(`Stack with id ${name} does not exist`), { name: 'ValidationError' });
    });
    await expect(resolveTarget({ stage: 'qa' }, missing)).rejects.toThrow(TargetNotFoundError);
    await expect(resolveTarget({ stage: 'qa' }, missing)).rejects.toThrow(/DentalBooking-qa does not exist.*stage=qa/);

    const inProgress = fakeCloudFormation(() => ({ Stacks: [{ StackStatus: 'CREATE_IN_PROGRESS', Outputs: [] }] }));
    await expect(resolveTarget({ stage: 'dev' }, inProgress)).rejects.toThrow(/no TableName output.*CREATE_IN_PROGRESS|CREATE_IN_PROGRESS.*no TableName output/);

    const denied = fakeCloudFormation(() => {
      throw Object.assign(new Error('not authorized to perform: cloudformation:DescribeStacks'), { name: 'AccessDenied' });
    });
    await expect(resolveTarget({ stage: 'dev' }, denied)).rejects.toThrow(/not authorized/);

    await expect(resolveTarget({ stage: 'Prod!' }, missing)).rejects.toThrow(TargetUsageError);
    expect(missing.asked).toEqual(['DentalBooking-qa', 'DentalBooking-qa']);
  });

  it('needs exactly one target; --endpoint only with --table', async () => {
    await expect(resolveTarget({})).rejects.toThrow(TargetUsageError);
    await expect(resolveTarget({ stage: 'dev', table: 't' })).rejects.toThrow(/only one/);
    await expect(resolveTarget({ stage: 'dev', endpoint: 'http://x' })).rejects.toThrow(/--endpoint goes with --table/);
    await expect(resolveTarget({ table: 't', endpoint: 'http://127.0.0.1:8000' })).resolves.toEqual({ tableName: 't', endpoint: 'http://127.0.0.1:8000', source: 'table t' });
  });
});
