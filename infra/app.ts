/**
 * CDK entry point (cdk.json: `npx tsx infra/app.ts`). Stage from context: `cdk synth -c stage=prod`.
 */
import { createBookingApp } from './booking-app.ts';

createBookingApp().app.synth();
