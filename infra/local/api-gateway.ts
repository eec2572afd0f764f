/**
 * A local stand-in for API Gateway (HTTP API, payload format 2.0): matches a request against the
 * route table, builds the event the deployed function would get, calls the same handler module and
 * writes its result back. As in AWS there is no authorizer: each route's function verifies the
 * bearer token itself.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { routeList, pathParameterNames, type RouteSpec } from '#shared/routes.ts';
import { ApiError, payloadTooLarge } from '#shared/errors.ts';
import { problemResult } from '#shared/http/problem.ts';
import { MAX_BODY_BYTES, type ApiEvent } from '#shared/http/handler.ts';

const FUNCTIONS_DIR = join(import.meta.dirname, '..', '..', 'functions');

type Matcher = { route: RouteSpec; pattern: RegExp; names: string[] };

const matchers: Matcher[] = routeList.map((route) => ({
  route,
  names: pathParameterNames(route.path),
  pattern: new RegExp(`^${route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[a-z_]+\\?\}/g, '([^/]+)')}$`),
}));

type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R>;
const modules = new Map<string, Promise<{ handler: LambdaHandler<unknown, unknown> }>>();

function load(name: string) {
  let mod = modules.get(name);
  if (!mod) {
    mod = import(pathToFileURL(join(FUNCTIONS_DIR, `${name}.ts`)).href);
    modules.set(name, mod);
  }
  return mod;
}

function lambdaContext(functionName: string, requestId: string): Context {
  const deadline = Date.now() + 10_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function singleValued(raw: IncomingMessage['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

/** API Gateway v2 joins repeated query parameters with commas. */
function queryParameters(search: URLSearchParams): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const key of new Set(search.keys())) out[key] = search.getAll(key).join(',');
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The body, read only up to the API's limit: a larger one — by its Content-Length or as it streams
 * in — is refused with 413 at once, and the rest is discarded as it arrives, never kept. Every
 * function refuses the same size in AWS, so both answer alike.
 */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const refuse = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      req.resume();
      reject(payloadTooLarge(MAX_BODY_BYTES));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return refuse();
      chunks.push(chunk);
    };
    const onEnd = () => resolve(size > 0 ? Buffer.concat(chunks).toString('utf8') : undefined);
    const onError = (error: Error) => reject(error);
    if (Number(req.headers['content-length']) > MAX_BODY_BYTES) return refuse();
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2) {
  res.statusCode = result.statusCode ?? 200;
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, String(value));
  if (result.cookies?.length) res.setHeader('set-cookie', result.cookies);
  res.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? ''));
}

async function dispatch(req: IncomingMessage): Promise<APIGatewayProxyStructuredResultV2> {
  const requestId = randomUUID();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = (req.method ?? 'GET').toUpperCase();
  const pathMatches = matchers
    .map((m) => ({ m, match: m.pattern.exec(url.pathname) }))
    .filter((x): x is { m: Matcher; match: RegExpExecArray } => x.match !== null);
  const hit = pathMatches.find((x) => x.m.route.method === method);
  if (!hit) {
    if (pathMatches.length > 0) {
      const result = problemResult(new ApiError('method-not-allowed', `${method} is not supported here.`), requestId);
      return { ...result, headers: { ...result.headers, allow: pathMatches.map((x) => x.m.route.method).join(', ') } };
    }
    return problemResult(new ApiError('not-found', 'No route matches this path.'), requestId);
  }
  const { m, match } = hit;
  // Like API Gateway, a segment that does not decode (`%C0%AF`) is passed on as it came; the
  // handler's validation answers it.
  const decode = (segment: string) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  };
  const pathParameters = Object.fromEntries(m.names.map((name, i) => [name, decode(match[i + 1] ?? '')]));
  // API Gateway adds these; the OpenAPI document uses them to name its server.
  const headers: Record<string, string> = { 'x-forwarded-proto': 'http', ...singleValued(req.headers) };
  let body: string | undefined;
  try {
    body = await readBody(req);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // The client may still be sending: close the connection once the answer is out.
    const result = problemResult(error, requestId);
    return { ...result, headers: { ...result.headers, connection: 'close' } };
  }
  const now = new Date();
  const routeKey = `${m.route.method} ${m.route.path}`;
  const requestContext = {
    accountId: '000000000000',
    apiId: 'local',
    domainName: headers.host ?? 'localhost',
    domainPrefix: 'local',
    http: { method, path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
    requestId,
    routeKey,
    stage: '$default',
    time: now.toUTCString(),
    timeEpoch: now.getTime(),
  };
  const base = {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: queryParameters(url.searchParams),
    pathParameters,
  };

  const event = { ...base, isBase64Encoded: false, body, requestContext } as unknown as ApiEvent;
  const handler = (await load(m.route.handler)).handler as LambdaHandler<ApiEvent, APIGatewayProxyStructuredResultV2>;
  return handler(event, lambdaContext(m.route.handler, requestId));
}

export function createLocalApi(): Server {
  return createServer((req, res) => {
    dispatch(req)
      .then((result) => send(res, result))
      .catch((error: unknown) => {
        const known = error instanceof ApiError ? error : new ApiError('internal', 'The local gateway failed to run the function.');
        if (!(error instanceof ApiError)) console.error(JSON.stringify({ level: 'ERROR', message: 'local gateway error', error: (error as Error)?.name }));
        send(res, problemResult(known));
      });
  });
}

export async function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server has no port');
  return address.port;
}
