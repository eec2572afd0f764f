/**
 * Which table the admin CLI works on, from exactly one of:
 *
 *   --stage <name>     the `TableName` output of the deployed stack `DentalBooking-<name>`
 *                      (CloudFormation DescribeStacks, with your AWS credentials and region)
 *   --local            the running `npm start`: its DynamoDB endpoint and table, from .local/dev.json
 *                      (or $LOCAL_STATE_DIR/dev.json)
 *   --table <name>     a table by name, optionally with --endpoint <url> (any DynamoDB)
 *
 * No environment is read or set here and the CloudFormation client is passed in, so tests can
 * resolve a stage against a fake DescribeStacks.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DescribeStacksCommand, type DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';

/** The stack's CfnOutput id of the table (see BookingStack): CloudFormation's OutputKey. */
export const TABLE_NAME_OUTPUT = 'TableName';

export type Target = {
  tableName: string;
  /** Unset: the AWS endpoint of the region in use. */
  endpoint?: string;
  /** For messages: where the table came from. */
  source: string;
};

export type TargetOptions = { stage?: string; local?: boolean; table?: string; endpoint?: string };

/** The one CloudFormation call needed; `CloudFormationClient` satisfies it. */
export type DescribeStacksClient = { send(command: DescribeStacksCommand): Promise<DescribeStacksCommandOutput> };

export type TargetDeps = {
  /** Made only for --stage. */
  cloudFormation?: () => DescribeStacksClient;
  /** Directory of `npm start`'s dev.json (default: .local at the repository root). */
  localStateDir?: string;
  /** Is the local DynamoDB answering? (default: an HTTP request to it). */
  isReachable?: (endpoint: string) => Promise<boolean>;
};

/** The options do not name one target: a usage error (exit 2). */
export class TargetUsageError extends Error {
  override name = 'TargetUsageError';
}

/** The target named cannot be found or reached (exit 1). */
export class TargetNotFoundError extends Error {
  override name = 'TargetNotFoundError';
}

/** As booking-app.ts names it (not imported from there: that would load the CDK into every CLI run). */
export function stackName(stage: string): string {
  return `DentalBooking-${stage}`;
}

export const DEFAULT_LOCAL_STATE_DIR = resolve(join(import.meta.dirname, '..', '..', '.local'));

export async function resolveTarget(options: TargetOptions, deps: TargetDeps = {}): Promise<Target> {
  const chosen = [options.stage !== undefined && '--stage', options.local && '--local', options.table !== undefined && '--table'].filter(Boolean);
  if (chosen.length === 0) throw new TargetUsageError('Say which table: --stage <name>, --local, or --table <name> [--endpoint <url>].');
  if (chosen.length > 1) throw new TargetUsageError(`Use only one of ${chosen.join(', ')}.`);
  if (options.endpoint !== undefined && options.table === undefined) throw new TargetUsageError('--endpoint goes with --table.');

  if (options.table !== undefined) {
    if (!options.table) throw new TargetUsageError('--table needs a table name.');
    return { tableName: options.table, endpoint: options.endpoint || undefined, source: `table ${options.table}` };
  }
  if (options.stage !== undefined) {
    if (!deps.cloudFormation) throw new Error('No CloudFormation client to resolve --stage with.');
    return resolveStage(options.stage, deps.cloudFormation());
  }
  return resolveLocal(deps.localStateDir ?? DEFAULT_LOCAL_STATE_DIR, deps.isReachable ?? answersHttp);
}

async function resolveStage(stage: string, cloudFormation: DescribeStacksClient): Promise<Target> {
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) throw new TargetUsageError(`Invalid --stage "${stage}": lower-case letters, digits and dashes (e.g. dev).`);
  const name = stackName(stage);
  let out: DescribeStacksCommandOutput;
  try {
    out = await cloudFormation.send(new DescribeStacksCommand({ StackName: name }));
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id … does not exist".
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/i.test(error.message)) {
      throw new TargetNotFoundError(`Stack ${name} does not exist in this account and region. Deploy it with \`npm run deploy -- -c stage=${stage}\`, or check AWS_PROFILE / AWS_REGION.`);
    }
    throw error;
  }
  const stack = out.Stacks?.[0];
  if (!stack) throw new TargetNotFoundError(`Stack ${name} does not exist in this account and region.`);
  const tableName = stack.Outputs?.find((o) => o.OutputKey === TABLE_NAME_OUTPUT)?.OutputValue;
  if (!tableName) {
    throw new TargetNotFoundError(`Stack ${name} (${stack.StackStatus ?? 'unknown status'}) has no ${TABLE_NAME_OUTPUT} output: has its deployment finished?`);
  }
  return { tableName, source: `stack ${name}` };
}

async function resolveLocal(stateDir: string, isReachable: (endpoint: string) => Promise<boolean>): Promise<Target> {
  const devFile = join(stateDir, 'dev.json');
  let dev: { dynamodb_endpoint?: unknown; table_name?: unknown };
  try {
    dev = JSON.parse(readFileSync(devFile, 'utf8')) as typeof dev;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new TargetNotFoundError(
      missing ? `No ${devFile}: start the local stack first with \`npm start\`.` : `Cannot read ${devFile}: ${(error as Error).message}`,
    );
  }
  if (typeof dev.dynamodb_endpoint !== 'string' || typeof dev.table_name !== 'string') {
    throw new TargetNotFoundError(`${devFile} has no dynamodb_endpoint and table_name: restart \`npm start\` to rewrite it.`);
  }
  if (!(await isReachable(dev.dynamodb_endpoint))) {
    throw new TargetNotFoundError(`DynamoDB at ${dev.dynamodb_endpoint} (from ${devFile}) is not answering: is \`npm start\` running?`);
  }
  return { tableName: dev.table_name, endpoint: dev.dynamodb_endpoint, source: `local table ${dev.table_name}` };
}

/** Any HTTP answer counts (DynamoDB answers a bare GET with an error status); no answer does not. */
async function answersHttp(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}
