/**
 * Structured JSON logs (AWS Lambda Powertools logger), one line per event, with the Lambda request
 * id on every line (injected per invocation by the middy stack). Event logging stays off: events
 * carry query strings and bodies, i.e. patient data. Callers pass ids, route names, statuses and
 * timings — never request bodies, query strings or anything a patient told us.
 *
 * Level from POWERTOOLS_LOG_LEVEL or LOG_LEVEL (INFO by default; SILENT silences).
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'dental-booking-api', logLevel: (process.env.LOG_LEVEL ?? 'INFO').toUpperCase() as 'INFO' });
