/**
 * `npm run admin -- <command>`: set up organisations and tokens in a table — a deployed stage's
 * (`--table <name>`, with your AWS credentials and region) or any DynamoDB (`--endpoint <url>`).
 *
 *   create-org    --name <name> [--granularity 5|10|15] [--horizon-days N]
 *   create-token  --org <uuid> [--scopes read,write,admin] [--label <text>] [--expires <ISO date>]
 *   load-demo     loads the demo clinic (the booking guide's examples) and prints a token for it
 *
 * A token's secret is printed once and stored only as its hash.
 */
import { parseArgs } from 'node:util';

const USAGE = `Usage: npm run admin -- <create-org|create-token|load-demo> --table <name> [--endpoint <url>] [options]
  create-org    --name <name> [--granularity 5|10|15] [--horizon-days 365]
  create-token  --org <uuid> [--scopes read,write,admin] [--label <text>] [--expires 2027-01-01]
  load-demo`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    table: { type: 'string' },
    endpoint: { type: 'string' },
    name: { type: 'string' },
    granularity: { type: 'string', default: '15' },
    'horizon-days': { type: 'string', default: '365' },
    org: { type: 'string' },
    scopes: { type: 'string', default: 'read,write' },
    label: { type: 'string', default: 'admin cli' },
    expires: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main() {
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  if (!values.table) fail('--table is required (the TableName output of the stage, or the local table name).');
  process.env.TABLE_NAME = values.table;
  if (values.endpoint) process.env.DYNAMODB_ENDPOINT = values.endpoint;

  // Loaded after the environment is set: these read it once at import.
  const { createOrg } = await import('#shared/domain/practice.ts');
  const { createToken, ALL_SCOPES } = await import('#shared/domain/tokens.ts');
  const { ALLOWED_GRANULARITIES } = await import('#shared/time/granules.ts');

  switch (command) {
    case 'create-org': {
      if (!values.name) fail('create-org needs --name.');
      const granularity = Number(values.granularity);
      if (!(ALLOWED_GRANULARITIES as readonly number[]).includes(granularity)) fail('--granularity must be 5, 10 or 15.');
      const horizon = Number(values['horizon-days']);
      if (!Number.isInteger(horizon) || horizon < 1 || horizon > 1096) fail('--horizon-days must be a whole number from 1 to 1096.');
      const org = await createOrg({ name: values.name, slot_granularity_minutes: granularity, booking_horizon_days: horizon });
      console.log(JSON.stringify(org, null, 2));
      return;
    }
    case 'create-token': {
      if (!values.org || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(values.org)) fail('create-token needs --org <uuid>.');
      const scopes = values.scopes.split(',').map((s) => s.trim());
      const unknown = scopes.filter((s) => !(ALL_SCOPES as readonly string[]).includes(s));
      if (unknown.length > 0) fail(`Unknown scopes: ${unknown.join(', ')}.`);
      const expiresAt = values.expires ? new Date(values.expires) : undefined;
      if (expiresAt && Number.isNaN(expiresAt.getTime())) fail('--expires must be an ISO date.');
      const { token_id, secret } = await createToken(values.org, { scopes: scopes as typeof ALL_SCOPES[number][], label: values.label, expiresAt });
      console.log(JSON.stringify({ org_id: values.org, token_id, scopes, api_token: secret }, null, 2));
      console.error('The api_token is shown only now; store it in your secret manager.');
      return;
    }
    case 'load-demo': {
      const { loadDemoClinic, DEMO } = await import('../local/demo-clinic.ts');
      await loadDemoClinic();
      const { secret } = await createToken(DEMO.orgId, { scopes: ALL_SCOPES, label: 'demo' });
      console.log(JSON.stringify({ org_id: DEMO.orgId, api_token: secret }, null, 2));
      return;
    }
    default:
      fail(`Unknown command ${command}.`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
