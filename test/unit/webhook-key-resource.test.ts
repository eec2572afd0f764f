/**
 * The custom resource that makes the webhook key (functions/webhook-key.ts), against a recording SSM
 * client: what it puts (a fresh 32-byte key, SecureString, never overwriting), what it keeps, what
 * it deletes, and that its answer to CloudFormation carries no key.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { DeleteParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { ParameterAlreadyExists, ParameterNotFound } from '@aws-sdk/client-ssm';
import { applyKeyResource, type KeyResourceEvent } from '../../functions/webhook-key.ts';

const NAME = '/dental-booking/dev/webhook-key';
const event = (type: KeyResourceEvent['RequestType'], extra: Partial<KeyResourceEvent> = {}): KeyResourceEvent => ({
  RequestType: type,
  ResponseURL: 'http://127.0.0.1:1/unused',
  StackId: 'stack',
  RequestId: 'req-1',
  LogicalResourceId: 'Key',
  ResourceProperties: { ParameterName: NAME },
  ...extra,
});

function recordingSsm(fail?: (command: unknown) => Error | undefined) {
  const sent: Array<PutParameterCommand | DeleteParameterCommand> = [];
  return { sent, client: { send: async (command: never) => { sent.push(command); const error = fail?.(command); if (error) throw error; return {}; } } };
}

describe('the webhook key resource', () => {
  it('Create: puts a new random 32-byte key as a SecureString standard parameter, never overwriting', async () => {
    const { sent, client } = recordingSsm();
    expect(await applyKeyResource(event('Create'), client as never)).toBe(NAME);
    expect(await applyKeyResource(event('Create'), client as never)).toBe(NAME);
    expect(sent).toHaveLength(2);
    const [a, b] = sent.map((c) => (c as PutParameterCommand).input);
    expect(a).toMatchObject({ Name: NAME, Type: 'SecureString', Tier: 'Standard', Overwrite: false });
    expect(Buffer.from(a!.Value!, 'base64')).toHaveLength(32);
    expect(a!.Value).not.toBe(b!.Value);
    expect(a!.Description).not.toContain(a!.Value);
  });

  it('Create over an existing parameter keeps it (the secrets sealed under it still open)', async () => {
    const { client } = recordingSsm(() => new ParameterAlreadyExists({ message: 'exists', $metadata: {} }));
    expect(await applyKeyResource(event('Create'), client as never)).toBe(NAME);
    const { client: broken } = recordingSsm(() => new Error('AccessDenied'));
    await expect(applyKeyResource(event('Create'), broken as never)).rejects.toThrow('AccessDenied');
  });

  it('Update: nothing for the same name; a new key under a new name', async () => {
    const { sent, client } = recordingSsm();
    expect(await applyKeyResource(event('Update', { PhysicalResourceId: NAME }), client as never)).toBe(NAME);
    expect(sent).toEqual([]);
    const renamed = event('Update', { PhysicalResourceId: '/dental-booking/old/webhook-key' });
    expect(await applyKeyResource(renamed, client as never)).toBe(NAME);
    expect(sent.map((c) => c.constructor.name)).toEqual(['PutParameterCommand']);
  });

  it('Delete: removes the parameter it made (gone already is fine), and nothing after a failed Create', async () => {
    const { sent, client } = recordingSsm((c) => ((c as DeleteParameterCommand).input.Name === '/gone' ? new ParameterNotFound({ message: 'gone', $metadata: {} }) : undefined));
    await applyKeyResource(event('Delete', { PhysicalResourceId: NAME }), client as never);
    await applyKeyResource(event('Delete', { PhysicalResourceId: '/gone' }), client as never);
    await applyKeyResource(event('Delete', { PhysicalResourceId: 'failed-req-0' }), client as never);
    expect(sent.map((c) => (c as DeleteParameterCommand).input.Name)).toEqual([NAME, '/gone']);
  });

  it('answers CloudFormation at the ResponseURL without the key (NoEcho, no Data)', async () => {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(`${req.method} ${body}`);
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const { handler } = await import('../../functions/webhook-key.ts');
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response`;
      // A Delete of a failed Create: no SSM call, so no AWS needed.
      await handler(event('Delete', { ResponseURL: url, PhysicalResourceId: 'failed-req-0' }));
      expect(bodies).toHaveLength(1);
      const [method, json] = [bodies[0]!.slice(0, 3), JSON.parse(bodies[0]!.slice(4))];
      expect(method).toBe('PUT');
      expect(json).toEqual({ Status: 'SUCCESS', PhysicalResourceId: 'failed-req-0', StackId: 'stack', RequestId: 'req-1', LogicalResourceId: 'Key', NoEcho: true });
    } finally {
      server.close();
    }
  });
});
