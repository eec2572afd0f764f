/**
 * Which of the encodings a file is stored in a client accepts (`Accept-Encoding`), best first,
 * honouring `q=0` (refused) and `*`. `identity` when none of them is accepted.
 */
export type Encoding = 'br' | 'gzip' | 'identity';

export function chosenEncoding(header: string | undefined, offered: readonly Exclude<Encoding, 'identity'>[]): Encoding {
  const accepted = new Map<string, number>();
  for (const part of (header ?? '').toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name.trim(), q === undefined ? 1 : Number(q));
  }
  const weight = (name: string) => accepted.get(name) ?? accepted.get('*') ?? 0;
  return offered.find((encoding) => weight(encoding) > 0) ?? 'identity';
}
