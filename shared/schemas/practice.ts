/**
 * Schemas of the practice's setup, all of them. Each kind is its own module (locations, operatories,
 * providers, working hours, time off, appointment types, settings, availability) so that a route's
 * bundle holds only the schemas it uses (esbuild keeps every top-level schema of a module it imports):
 * import from those; this index is for code that is never bundled into a function (tests, scripts).
 */
export * from './locations.ts';
export * from './operatories.ts';
export * from './providers.ts';
export * from './working-hours.ts';
export * from './time-off.ts';
export { AppointmentTypePath, CreateAppointmentTypeBody, UpdateAppointmentTypeBody } from './appointment-types.ts';
export * from './settings.ts';
export * from './availability.ts';
export { AffectedAppointment } from './common.ts';
