/**
 * The credential provider of the deployed functions, in place of the SDK's default chain.
 *
 * The stack's bundler (infra/constructs/route-function.ts, `BUNDLING.esbuildArgs`) resolves
 * `@aws-sdk/credential-provider-node` — the default chain the DynamoDB client imports — to this
 * module. In Lambda the chain always ends at its first link: the runtime puts the execution role's
 * credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), and
 * the chain reads the environment first. Its other links (SSO, shared ini files, web identity,
 * credential processes, container and instance metadata) never run there, yet they are 135 KiB of
 * every bundle — most of it the nested STS/SSO clients — and about a quarter of a bare client's
 * module init. So the bundle carries only the link that runs.
 *
 * Never used outside a bundle: `npm start`, the tests and the admin CLI run the source, where the
 * package resolves to the SDK's own chain (and DynamoDB Local gets fixed local credentials).
 */
type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date; accountId?: string };

/** What the SDK calls: a factory of the provider (its options are for the links we leave out). */
export const defaultProvider = () => async (): Promise<Credentials> => fromEnvironment(process.env);

/** The role's credentials from the environment, as the SDK's own environment link reads them. */
export function fromEnvironment(env: NodeJS.ProcessEnv): Credentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    // The SDK reports a failed provider as an error of the call; the route answers 5xx, never 401.
    throw Object.assign(new Error('No AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)'), { name: 'CredentialsProviderError' });
  }
  const expiration = env.AWS_CREDENTIAL_EXPIRATION ? new Date(env.AWS_CREDENTIAL_EXPIRATION) : undefined;
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    ...(expiration && !Number.isNaN(expiration.getTime()) ? { expiration } : {}),
    ...(env.AWS_ACCOUNT_ID ? { accountId: env.AWS_ACCOUNT_ID } : {}),
  };
}
