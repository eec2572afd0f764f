/** Providers of the practice: created, read, listed, changed and (de)activated. */
import { randomUUID } from 'node:crypto';
import { listProviderRecords, providerScheduleChange, putNewProvider, readProvider, updateProviderFields, type ProviderRecord } from '../db/repositories/providers.ts';
import { notFound } from '../errors.ts';
import type { Provider } from '../schemas/providers.ts';
import { changeActive } from './resource-activation.ts';

export type { Provider };

export function toProvider(record: ProviderRecord): Provider {
  return { uuid: record.uuid, first_name: record.first_name, last_name: record.last_name, title: record.title, is_active: record.is_active, can_examine: record.can_examine };
}

export async function createProvider(
  orgId: string,
  input: { uuid?: string; first_name: string; last_name: string; title: string; is_active?: boolean; can_examine?: boolean },
): Promise<Provider> {
  const provider: Provider = {
    uuid: input.uuid ?? randomUUID(),
    first_name: input.first_name,
    last_name: input.last_name,
    title: input.title,
    is_active: input.is_active ?? true,
    can_examine: input.can_examine ?? true,
  };
  await putNewProvider(orgId, provider);
  return provider;
}

export async function getProvider(orgId: string, providerId: string): Promise<Provider> {
  const record = await readProvider(orgId, providerId);
  if (!record) throw notFound(`No provider ${providerId} in this organisation.`);
  return toProvider(record);
}

/** The org's providers by last name, then first name; `is_active` filters. */
export async function listProviders(orgId: string, filter: { is_active?: boolean }) {
  const items = (await listProviderRecords(orgId, { consistent: true }))
    .map(toProvider)
    .filter((p) => filter.is_active === undefined || p.is_active === filter.is_active)
    .sort((a, b) => a.last_name.localeCompare(b.last_name) || a.first_name.localeCompare(b.first_name) || a.uuid.localeCompare(b.uuid));
  return { items, total: items.length };
}

export async function updateProvider(
  orgId: string,
  providerId: string,
  changes: { first_name?: string; last_name?: string; title?: string; is_active?: boolean; can_examine?: boolean },
): Promise<Provider> {
  const missing = `No provider ${providerId} in this organisation.`;
  // A `can_examine` change raises the schedule version either way (the guarded update below does too),
  // so bookings that read the old value fail their guard and read again.
  const fields = { first_name: changes.first_name, last_name: changes.last_name, title: changes.title, can_examine: changes.can_examine };
  if (changes.is_active === undefined) {
    const updated = await updateProviderFields(orgId, providerId, fields);
    if (!updated) throw notFound(missing);
    return toProvider(updated);
  }
  const target = {
    resource: 'provider' as const,
    id: providerId,
    read: () => readProvider(orgId, providerId),
    guard: (seen: ProviderRecord, set: Record<string, unknown>) => providerScheduleChange(orgId, seen, set),
  };
  return toProvider(await changeActive(orgId, target, fields, changes.is_active, missing));
}
