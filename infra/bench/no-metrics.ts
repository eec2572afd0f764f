/**
 * Stands in for shared/observability/metrics.ts in one bench bundle (`(book-appointment without
 * metrics)`): the same exports, doing nothing and importing nothing, so the bench shows what
 * Powertools metrics add to a function's bundle and init.
 */
export const requestMetrics = () => ({ before: async () => {} });
export const recordWebhookAttempt = () => {};
export const functionMetrics = () => undefined;
