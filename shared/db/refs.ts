/**
 * Typed reads by key: a `Ref<T>` is an item's key with the one function that maps the item to its
 * record. Any refs — of one entity or of several — are read together in one consistent BatchGetItem
 * (operations.getMany), so a stage of reads stays one stage.
 */
import { getMany, type Item, type Key } from './operations.ts';

export type Ref<T> = { readonly key: Key; readonly read: (item: Item) => T };

export const ref = <T>(key: Key, read: (item: Item) => T): Ref<T> => ({ key, read });

type Found<R> = { [K in keyof R]: NonNullable<R[K]> extends Ref<infer T> ? T | undefined : undefined };

/** The records of refs, by any lookup function: one BatchGetItem. */
export async function readLookup(refs: readonly (Ref<unknown> | undefined)[]): Promise<<T>(r: Ref<T>) => T | undefined> {
  const get = await getMany(refs.filter((r): r is Ref<unknown> => r !== undefined).map((r) => r.key));
  return <T>(r: Ref<T>) => {
    const item = get(r.key);
    return item === undefined ? undefined : r.read(item);
  };
}

/** Named refs read together (one BatchGetItem): each name's record, or undefined. */
export async function readMany<R extends Record<string, Ref<unknown> | undefined>>(refs: R): Promise<Found<R>> {
  const get = await readLookup(Object.values(refs));
  return Object.fromEntries(Object.entries(refs).map(([name, r]) => [name, r ? get(r) : undefined])) as Found<R>;
}

/** A list of refs read together (one BatchGetItem), in their order. */
export async function readList<T>(refs: readonly Ref<T>[]): Promise<(T | undefined)[]> {
  const get = await readLookup(refs);
  return refs.map((r) => get(r));
}
