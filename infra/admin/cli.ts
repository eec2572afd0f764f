/**
 * `npm run admin -- <command> <target> [options]`: set up organisations and tokens in a table.
 *
 * Target (exactly one; see target.ts):
 *   --stage <name>                 the deployed stack DentalBooking-<name> (your AWS credentials and region)
 *   --local                        the running `npm start`
 *   --table <name> [--endpoint <url>]
 *
 * Commands:
 *   create-org    --name <name> --time-zone <IANA zone> [--granularity 5|10|15] [--horizon-days N]
 *   create-token  --org <uuid> [--scopes read,write,admin,clinical] [--label <text>] [--expires <ISO date>]
 *   grant-scopes  --org <uuid> --token-id <uuid> --scopes <list>   adds scopes (e.g. clinical) to a token
 *   list-tokens   --org <uuid>
 *   revoke-token  --org <uuid> --token-id <uuid>
 *   load-demo     loads the demo clinic (the booking guide's examples) and prints a token for it
 *   backfill-patients --org <uuid> [--dry-run]
 *                 gives the org's patients from before lookups and duplicate markers existed the lookup
 *                 items (search by phone, email, date of birth) and markers a create would write; prints
 *                 counts, and possible duplicates by uuid (never patient data). Safe to run again.
 *
 * A token's secret is printed once and stored only as its SHA-256; list-tokens shows its metadata
 * only. Exit codes: 0 done, 1 failed (not found, AWS error), 2 bad arguments.
 */
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { quietSdkNodeNotice } from '../local/node-support.ts';
import { resolveTarget, TargetNotFoundError, TargetUsageError, type Target } from './target.ts';

const USAGE = `Usage: npm run admin -- <command> (--stage <name> | --local | --table <name> [--endpoint <url>]) [options]
  create-org    --name <name> --time-zone <IANA zone, e.g. America/New_York> [--granularity 5|10|15] [--horizon-days 365]
  create-token  --org <uuid> [--scopes read,write,admin,clinical] [--label <text>] [--expires 2027-01-01]
  grant-scopes  --org <uuid> --token-id <uuid> --scopes clinical
  list-tokens   --org <uuid>
  revoke-token  --org <uuid> --token-id <uuid>
  load-demo
  backfill-patients --org <uuid> [--dry-run]   (once after deploying search by phone/email/birth date)`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const COMMANDS = ['create-org', 'create-token', 'grant-scopes', 'list-tokens', 'revoke-token', 'load-demo', 'backfill-patients'];

class UsageError extends Error {}
class FailedError extends Error {}

function usage(message: string): never {
  throw new UsageError(message);
}

/** Where a run of the CLI writes, and the environment it reads and sets. */
export type CliIo = {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /**
   * Read for LOCAL_STATE_DIR and AWS_REGION; TABLE_NAME, DYNAMODB_ENDPOINT and AWS_REGION are set in it
   * for the table modules, which read `process.env` once, when first loaded. Pass a copy to keep a
   * host's environment as it is: the CLI then works only on the table that process's modules already
   * use (any other target is refused), which is what an in-process test wants.
   */
  env: NodeJS.ProcessEnv;
};

/**
 * Runs one command, as `npm run admin -- <argv>` would, and resolves with its exit code: 0 done,
 * 1 failed, 2 bad arguments. Never throws, never exits the process.
 */
export async function main(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  try {
    await run(argv, io);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof TargetUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof FailedError || error instanceof TargetNotFoundError) {
      io.stderr.write(`${error.message}\n`);
      return 1;
    }
    io.stderr.write(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    return 1;
  }
}

/** The table modules of this process use `target`: set it up before their first load, and check it after. */
async function useTarget(target: Target, env: NodeJS.ProcessEnv, cloudFormation: CloudFormationClient | undefined) {
  env.TABLE_NAME = target.tableName;
  if (target.endpoint) {
    env.DYNAMODB_ENDPOINT = target.endpoint;
    env.AWS_REGION ||= 'local';
  } else {
    delete env.DYNAMODB_ENDPOINT;
    // DynamoDB in the region the stack was found in (which may come from the profile, not the environment).
    if (cloudFormation && !env.AWS_REGION) env.AWS_REGION = await cloudFormation.config.region();
  }
  const { config } = await import('#shared/config.ts');
  if (config.tableName !== target.tableName || config.dynamodbEndpoint !== target.endpoint) {
    const bound = `table ${config.tableName}${config.dynamodbEndpoint ? ` at ${config.dynamodbEndpoint}` : ''}`;
    throw new Error(`This process already works on ${bound}, not ${target.source}${target.endpoint ? ` at ${target.endpoint}` : ''}: run the CLI in a process of its own.`);
  }
}

async function run(argv: readonly string[], io: CliIo) {
  const print = (value: unknown) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  const note = (line: string) => io.stderr.write(`${line}\n`);
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      stage: { type: 'string' },
      local: { type: 'boolean' },
      table: { type: 'string' },
      endpoint: { type: 'string' },
      name: { type: 'string' },
      'time-zone': { type: 'string' },
      granularity: { type: 'string', default: '15' },
      'horizon-days': { type: 'string', default: '365' },
      org: { type: 'string' },
      'token-id': { type: 'string' },
      scopes: { type: 'string', default: 'read,write' },
      label: { type: 'string', default: 'admin cli' },
      expires: { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    io.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!COMMANDS.includes(command)) usage(`Unknown command ${command}.`);

  // The target first: a bad one fails before any argument of the command is looked at twice.
  // The CloudFormation SDK is loaded only for --stage.
  let cloudFormation: CloudFormationClient | undefined;
  if (values.stage !== undefined) cloudFormation = new (await import('@aws-sdk/client-cloudformation')).CloudFormationClient({});
  const target = await resolveTarget(values, {
    ...(cloudFormation ? { cloudFormation: () => cloudFormation } : {}),
    ...(io.env.LOCAL_STATE_DIR ? { localStateDir: io.env.LOCAL_STATE_DIR } : {}),
  });
  await useTarget(target, io.env, cloudFormation);
  note(`Using ${target.source}.`);

  // Loaded after the environment is set (useTarget): these read it once at import.
  const { createOrg } = await import('#shared/domain/settings.ts');
  const { createToken, grantScopes, listTokens, revokeToken, TokenNotFoundError, ALL_SCOPES } = await import('#shared/domain/tokens.ts');
  const { ALLOWED_GRANULARITIES } = await import('#shared/time/granules.ts');
  const { isValidTimeZone } = await import('#shared/time/wall-clock.ts');
  const { db, tableName } = await import('#shared/db/client.ts');
  const { keys } = await import('#shared/db/keys.ts');
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');

  const orgArgument = (): string => {
    if (!values.org || !UUID.test(values.org)) usage(`${command} needs --org <uuid>.`);
    return values.org;
  };
  const requireOrg = async (orgId: string) => {
    const out = await db.send(new GetCommand({ TableName: tableName, Key: keys.org(orgId), ProjectionExpression: 'pk' }));
    if (!out.Item) throw new FailedError(`No organisation ${orgId} in ${target.source}.`);
  };

  switch (command) {
    case 'create-org': {
      if (!values.name) usage('create-org needs --name.');
      const zone = values['time-zone'];
      if (!zone) usage('create-org needs --time-zone <IANA zone>, e.g. America/New_York.');
      // As the API validates a location's zone: a real IANA zone, region/city (not an offset or "EST").
      if (!isValidTimeZone(zone) || !zone.includes('/')) usage(`--time-zone ${zone} is not an IANA time zone such as America/New_York.`);
      const granularity = Number(values.granularity);
      if (!(ALLOWED_GRANULARITIES as readonly number[]).includes(granularity)) usage('--granularity must be 5, 10 or 15.');
      const horizon = Number(values['horizon-days']);
      if (!Number.isInteger(horizon) || horizon < 1 || horizon > 1096) usage('--horizon-days must be a whole number from 1 to 1096.');
      const org = await createOrg({ name: values.name, slot_granularity_minutes: granularity, booking_horizon_days: horizon, default_time_zone: zone });
      print(org);
      return;
    }
    case 'create-token': {
      const orgId = orgArgument();
      const scopes = values.scopes.split(',').map((s) => s.trim());
      const unknown = scopes.filter((s) => !(ALL_SCOPES as readonly string[]).includes(s));
      if (unknown.length > 0) usage(`Unknown scopes: ${unknown.join(', ')}.`);
      const expiresAt = values.expires ? new Date(values.expires) : undefined;
      if (expiresAt && Number.isNaN(expiresAt.getTime())) usage('--expires must be an ISO date.');
      await requireOrg(orgId);
      const { token_id, secret } = await createToken(orgId, { scopes: scopes as (typeof ALL_SCOPES)[number][], label: values.label, expiresAt });
      print({ org_id: orgId, token_id, scopes, api_token: secret });
      note('The api_token is shown only now; store it in your secret manager.');
      return;
    }
    case 'grant-scopes': {
      const orgId = orgArgument();
      const tokenId = values['token-id'];
      if (!tokenId || !UUID.test(tokenId)) usage('grant-scopes needs --token-id <uuid> (from list-tokens).');
      if (!argv.some((a) => a === '--scopes' || a.startsWith('--scopes='))) usage('grant-scopes needs --scopes, e.g. --scopes clinical.');
      const scopes = values.scopes.split(',').map((s) => s.trim());
      const unknown = scopes.filter((s) => !(ALL_SCOPES as readonly string[]).includes(s));
      if (unknown.length > 0) usage(`Unknown scopes: ${unknown.join(', ')}.`);
      try {
        const token = await grantScopes(orgId, tokenId, scopes as (typeof ALL_SCOPES)[number][]);
        print({ org_id: orgId, ...token });
        note('Granted: the next request with this token has these scopes.');
      } catch (error) {
        if (error instanceof TokenNotFoundError) throw new FailedError(`${error.message} See list-tokens --org ${orgId}.`);
        throw error;
      }
      return;
    }
    case 'list-tokens': {
      const orgId = orgArgument();
      await requireOrg(orgId);
      print({ org_id: orgId, tokens: await listTokens(orgId) });
      return;
    }
    case 'revoke-token': {
      const orgId = orgArgument();
      const tokenId = values['token-id'];
      if (!tokenId || !UUID.test(tokenId)) usage('revoke-token needs --token-id <uuid> (from list-tokens).');
      try {
        const token = await revokeToken(orgId, tokenId);
        print({ org_id: orgId, ...token });
        note('Revoked: requests with this token are refused from now on (401).');
      } catch (error) {
        if (error instanceof TokenNotFoundError) throw new FailedError(`${error.message} See list-tokens --org ${orgId}.`);
        throw error;
      }
      return;
    }
    case 'load-demo': {
      const { loadDemoClinic, DEMO } = await import('../local/demo-clinic.ts');
      await loadDemoClinic();
      const { secret } = await createToken(DEMO.orgId, { scopes: ALL_SCOPES, label: 'demo' });
      print({ org_id: DEMO.orgId, api_token: secret });
      return;
    }
    case 'backfill-patients': {
      const orgId = orgArgument();
      const dryRun = values['dry-run'] === true;
      await requireOrg(orgId);
      const { backfillPatients } = await import('#shared/domain/patient-backfill.ts');
      // Uuids and marker kinds only: the output may be pasted anywhere, and must hold no patient data.
      const summary = await backfillPatients(orgId, {
        dryRun,
        onDuplicate: (pair) => note(`Possible duplicate: patient ${pair.patient_uuid} lacks its ${pair.markers.join(', ')} marker(s), held by patient ${pair.held_by} (left to it).`),
      });
      print({ org_id: orgId, dry_run: dryRun, ...summary });
      const [write, claim] = dryRun ? ['would write', 'would claim'] : ['wrote', 'claimed'];
      note(
        `${dryRun ? 'Dry run, nothing written. ' : ''}${summary.patients_seen} patients seen, ${summary.patients_backfilled} to backfill: ${write} ${summary.entries_written} lookup entries, ` +
          `${claim} ${summary.markers_claimed} markers; ${summary.markers_held_by_another} markers already held by another patient (${summary.possible_duplicate_pairs} possible duplicate pairs); ${summary.skipped} skipped.`,
      );
      if (summary.skipped > 0) note('Skipped patients changed while being backfilled (or vanished): run the command again.');
      return;
    }
  }
}

// Run as a program (`npm run admin`), not imported: a failure exits at once with its code, as before;
// a success ends when nothing is left to do.
function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === import.meta.filename;
  } catch {
    return false;
  }
}
if (isEntryPoint()) {
  // The SDK's Node version notice asks nothing of an operator today (infra/local/node-support.ts).
  quietSdkNodeNotice();
  const code = await main(process.argv.slice(2));
  if (code !== 0) process.exit(code);
}
