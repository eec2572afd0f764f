/**
 * The API served in-process by the local API Gateway (route table -> handler, which checks the token), on a
 * free port, for integration tests that speak HTTP.
 */
import type { Server } from 'node:http';
import { createLocalApi, listen } from '../../infra/local/api-gateway.ts';
import { assertMatchesContract } from './contract.ts';

export type ApiResponse<T = unknown> = { status: number; headers: Headers; body: T };

export async function startLocalApi() {
  const server: Server = createLocalApi();
  const port = await listen(server, 0);
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A small client bound to one base URL and (optionally) one token. */
export function client(baseUrl: string, token?: string) {
  /** `contract: false` only for requests that are meant to miss every route (404/405 tests). */
  async function call<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; token?: string | null; contract?: boolean } = {},
  ): Promise<ApiResponse<T>> {
    const bearer = options.token === undefined ? token : options.token;
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const parsed = (type.includes('json') && text ? JSON.parse(text) : text) as T;
    if (options.contract !== false) assertMatchesContract(method, path, res.status, res.headers.get('content-type'), parsed);
    return { status: res.status, headers: res.headers, body: parsed };
  }
  return {
    call,
    get: <T = any>(path: string, options?: Parameters<typeof call>[2]) => call<T>('GET', path, options),
    post: <T = any>(path: string, body: unknown, options?: Parameters<typeof call>[2]) => call<T>('POST', path, { ...options, body }),
  };
}
