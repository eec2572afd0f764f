/**
 * Not a route: the CloudFormation custom resource that makes the stage's webhook key (what the
 * endpoints' signing secrets are sealed with, shared/webhooks/secret-box.ts) at deploy time.
 *
 * Create: 32 random bytes, base64, put as an SSM SecureString standard parameter (free; encrypted
 * with the AWS managed aws/ssm key) without overwriting — a parameter that already exists (a stack
 * deployed again over a retained table) is kept, so the secrets sealed under it still open. Update
 * with another name: a new key under that name (CloudFormation then deletes the old one). Delete:
 * removes the parameter (in prod the resource is retained, so CloudFormation never asks).
 *
 * The key is never in the template, in the response to CloudFormation (no Data) or in a log line.
 * CloudFormation invokes this function directly (no custom_resources.Provider framework: that would
 * add a second function and a role with wildcard grants) and waits for the answer it PUTs to the
 * pre-signed ResponseURL.
 */
import { randomBytes } from 'node:crypto';
import { DeleteParameterCommand, ParameterAlreadyExists, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

export type KeyResourceEvent = {
  RequestType: 'Create' | 'Update' | 'Delete';
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceProperties: { ParameterName: string };
  OldResourceProperties?: { ParameterName?: string };
};

type Ssm = Pick<SSMClient, 'send'>;

/** What the resource does; returns its physical id (the parameter's name). */
export async function applyKeyResource(event: KeyResourceEvent, ssm: Ssm): Promise<string> {
  const name = event.ResourceProperties.ParameterName;
  if (event.RequestType === 'Delete') {
    // Only a parameter this resource made: a failed Create answered with another physical id.
    if (event.PhysicalResourceId?.startsWith('/')) {
      try {
        await ssm.send(new DeleteParameterCommand({ Name: event.PhysicalResourceId }));
      } catch (error) {
        if (!(error instanceof ParameterNotFound)) throw error;
      }
    }
    return event.PhysicalResourceId ?? name;
  }
  if (event.RequestType === 'Update' && event.PhysicalResourceId === name) return name;
  try {
    await ssm.send(
      new PutParameterCommand({
        Name: name,
        Type: 'SecureString',
        Tier: 'Standard',
        Overwrite: false,
        Value: randomBytes(32).toString('base64'),
        Description: 'Webhook key: seals the webhook endpoints\' signing secrets (AES-256-GCM). Losing it makes them unreadable.',
      }),
    );
  } catch (error) {
    if (!(error instanceof ParameterAlreadyExists)) throw error;
  }
  return name;
}

export const handler = async (event: KeyResourceEvent): Promise<void> => {
  let response: { Status: 'SUCCESS' | 'FAILED'; Reason?: string; PhysicalResourceId: string };
  try {
    response = { Status: 'SUCCESS', PhysicalResourceId: await applyKeyResource(event, new SSMClient({})) };
  } catch (error) {
    // The error's name only: an SDK message could quote the request.
    const reason = error instanceof Error ? error.name : 'Error';
    console.error(JSON.stringify({ message: 'webhook key resource failed', request: event.RequestType, error: reason }));
    response = { Status: 'FAILED', Reason: reason, PhysicalResourceId: event.PhysicalResourceId ?? `failed-${event.RequestId}` };
  }
  const body = JSON.stringify({ ...response, StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId, NoEcho: true });
  const res = await fetch(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '' }, body, signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`CloudFormation response refused: ${res.status}`);
};
