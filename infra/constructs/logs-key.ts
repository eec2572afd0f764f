/**
 * A customer managed KMS key for a region's CloudWatch Logs log groups (the stage's own, and the WAF
 * log group's in us-east-1: a key serves one region). Rotated yearly; retained with retained log
 * groups, which stay readable only while their key exists.
 */
import { Aws, type RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

export function logsKey(scope: Construct, description: string, removalPolicy: RemovalPolicy): Key {
  const key = new Key(scope, 'LogsKey', { description, enableKeyRotation: true, removalPolicy });
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
      principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
      // The actions AWS documents for CloudWatch Logs encryption, for this account's log groups in this region only.
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` } },
    }),
  );
  return key;
}
