import { describe, expect, it } from 'vitest';
import { defaultProvider, fromEnvironment } from '#shared/db/lambda-credentials.ts';

describe("the bundles' credential provider (the environment's role credentials)", () => {
  it('reads the keys, session token, expiration and account the Lambda runtime sets', () => {
    expect(
      fromEnvironment({
        AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'session',
        AWS_CREDENTIAL_EXPIRATION: '2030-01-02T03:04:05Z',
        AWS_ACCOUNT_ID: '123456789012',
      }),
    ).toEqual({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session', expiration: new Date('2030-01-02T03:04:05Z'), accountId: '123456789012' });
  });

  it('leaves out what is not set, and an expiration that is not a date', () => {
    expect(fromEnvironment({ AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'S', AWS_CREDENTIAL_EXPIRATION: 'soon' })).toEqual({ accessKeyId: 'A', secretAccessKey: 'S' });
  });

  it('fails the call, not the import, without keys', async () => {
    const provider = defaultProvider();
    const saved = { id: process.env.AWS_ACCESS_KEY_ID };
    delete process.env.AWS_ACCESS_KEY_ID;
    try {
      await expect(provider()).rejects.toMatchObject({ name: 'CredentialsProviderError' });
    } finally {
      if (saved.id !== undefined) process.env.AWS_ACCESS_KEY_ID = saved.id;
    }
    expect(() => fromEnvironment({ AWS_ACCESS_KEY_ID: 'A' })).toThrow(/No AWS credentials/);
  });
});
