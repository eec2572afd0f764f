/** Every patient value the test clinics and the demo clinic hold: none may ever appear in a log line. */
export const SEEDED_PHI = ['Jane', 'Jonathan', 'Smith', '1986-04-12', '1972-11-30', '+1-415-555-0148', '+1-415-555-0223', 'jane.smith@example.com', 'j.smith@example.com'] as const;
