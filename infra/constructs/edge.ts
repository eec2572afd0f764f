/**
 * The way in when a stage has the WAF (context `waf=true`): a CloudFront distribution in front of the
 * HTTP API, with the stage's web ACL (infra/waf-stack.ts, us-east-1) attached — AWS WAF cannot be
 * attached to an HTTP API itself.
 *
 * - Nothing is cached (CachingDisabled): every response carries tenant data or is built per request.
 *   With caching off, the AllViewerExceptHostHeader origin request policy forwards every viewer header
 *   (Authorization, Idempotency-Key, If-Match included) and every query string, and API Gateway gets
 *   its own Host. All methods; HTTPS only, to the origin TLS 1.2. Price class 100 (North America,
 *   Europe, Israel). Security headers come from the functions (shared/http/security-headers.ts).
 * - Callers cannot go around the WAF to the API Gateway address: CloudFront adds a secret header
 *   (ORIGIN_VERIFY_HEADER) to every request it forwards, and every function refuses a request without
 *   it (shared/http/middleware.ts assertViaEdge) — its value reaches the functions as
 *   ORIGIN_VERIFY_SECRET. The value is a Secrets Manager secret generated at the first deploy and
 *   resolved by CloudFormation (`{{resolve:secretsmanager:...}}`), so it is never in the template, in
 *   cdk.out or in git, and stays the same from deploy to deploy; it costs $0.40 a month
 *   (infra/cost/fixed-cost.ts).
 * - The viewer certificate: CloudFront's default one (`*.cloudfront.net`), whose security policy
 *   CloudFront fixes at TLSv1 and which no setting changes; TLS 1.2 at least (TLSv1.2_2021) takes a
 *   custom domain: context `wafDomainName` with `wafCertificateArn` (an ACM certificate in us-east-1).
 */
import { Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ORIGIN_VERIFY_ENV, ORIGIN_VERIFY_HEADER, PUBLIC_URL_ENV } from '#shared/http/middleware.ts';

/** A custom domain for the distribution, so that viewers get TLS 1.2 at least. */
export type EdgeDomain = { domainName: string; certificateArn: string };

/** cdk-nag findings acknowledged on the distribution, and why. */
export const DISTRIBUTION_ACKNOWLEDGEMENTS = {
  'AwsSolutions-CFR1':
    'No geo restriction: clinics, their patients and their integrations may call from any country; ' +
    'the web ACL limits each source IP instead, and every route but the API description and docs pages takes a token.',
  'AwsSolutions-CFR3':
    'No CloudFront access logs: they would keep every request\'s full URI, and query strings carry patient ' +
    'names (`?query=Smith`); API Gateway keeps an access log without paths or queries (route, status, ' +
    'timings, source), and the web ACL publishes per-rule metrics.',
} as const;

/** Acknowledged on the distribution when it has no custom domain (the default certificate). */
export const DEFAULT_CERTIFICATE_REASON =
  'CloudFront\'s default certificate (*.cloudfront.net): its security policy is fixed by CloudFront at TLSv1 ' +
  'and no distribution setting changes it; browsers and current HTTP clients negotiate TLS 1.2 or 1.3 anyway. ' +
  'A custom domain (context wafDomainName and wafCertificateArn) sets TLSv1.2_2021.';

/** cdk-nag findings acknowledged on the origin secret, and why. */
export const ORIGIN_SECRET_ACKNOWLEDGEMENTS = {
  'AwsSolutions-SMG4':
    'Not rotated: CloudFront sends the value as a fixed origin header and the functions compare it; a rotation ' +
    'would refuse every request until both were redeployed. It is no credential to data (every data route ' +
    'still verifies its bearer token); it only proves a request came through the web ACL. Replace it by ' +
    'deleting the secret and redeploying.',
  'HIPAA.Security-SecretsManagerRotationEnabled':
    'Not rotated: CloudFront sends the value as a fixed origin header and the functions compare it (see AwsSolutions-SMG4). ' +
    'It protects no patient data; bearer tokens do.',
  'HIPAA.Security-SecretsManagerUsingKMSKey':
    'Encrypted with the AWS managed key (aws/secretsmanager): the value is no patient data, only proof that a request ' +
    'came through CloudFront, and a customer managed key would add $1 a month to it.',
} as const;

export interface EdgeProps {
  stage: string;
  api: HttpApi;
  /** ARN of the stage's web ACL (scope CLOUDFRONT, us-east-1). */
  webAclArn: string;
  domain?: EdgeDomain;
}

export class Edge extends Construct {
  readonly distribution: Distribution;
  readonly originSecret: Secret;
  /** `https://<distribution or custom domain>`, no trailing slash. */
  readonly baseUrl: string;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    this.originSecret = new Secret(this, 'OriginSecret', {
      description: `Header value CloudFront sends to the API of DentalBooking-${props.stage} (${ORIGIN_VERIFY_HEADER})`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      // Nothing else uses it: a new stage gets a new one.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const [rule, reason] of Object.entries(ORIGIN_SECRET_ACKNOWLEDGEMENTS)) Validations.of(this.originSecret).acknowledge({ id: rule, reason });

    // `https://<id>.execute-api.<region>.amazonaws.com` -> its host.
    const apiHost = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Dental booking API (${props.stage}) behind AWS WAF`,
      webAclId: props.webAclArn,
      priceClass: PriceClass.PRICE_CLASS_100,
      httpVersion: HttpVersion.HTTP2_AND_3,
      ...(props.domain
        ? {
            domainNames: [props.domain.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultBehavior: {
        origin: new HttpOrigin(apiHost, {
          protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          customHeaders: { [ORIGIN_VERIFY_HEADER]: this.originSecret.secretValue.unsafeUnwrap() },
        }),
        allowedMethods: AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        // The functions choose their own content encoding (shared/http/content-encoding.ts).
        compress: false,
      },
    });
    const acknowledgements: Record<string, string> = { ...DISTRIBUTION_ACKNOWLEDGEMENTS, ...(props.domain ? {} : { 'AwsSolutions-CFR4': DEFAULT_CERTIFICATE_REASON }) };
    for (const [rule, reason] of Object.entries(acknowledgements)) Validations.of(this.distribution).acknowledge({ id: rule, reason });
    this.baseUrl = `https://${props.domain?.domainName ?? this.distribution.distributionDomainName}`;
  }

  /** What every function needs behind the distribution: the header value to check, and the published URL. */
  functionEnvironment(): Record<string, string> {
    return { [ORIGIN_VERIFY_ENV]: this.originSecret.secretValue.unsafeUnwrap(), [PUBLIC_URL_ENV]: this.baseUrl };
  }
}
