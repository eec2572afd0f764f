/**
 * The booking function with the Powertools tracer, as it would be if tracing were built into the
 * code (one bench bundle, `(book-appointment with tracer)`): the tracer loaded and its DynamoDB client
 * captured at init. The stack does not ship this: its `tracing` option turns on X-Ray for the
 * function only (README, "Tracing"), and this bundle measures what the tracer would add on top.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { db } from '#shared/db/client.ts';

export const tracer = new Tracer({ serviceName: 'dental-booking-api' });
tracer.captureAWSv3Client(db);
export { handler } from '../../functions/book-appointment.ts';
