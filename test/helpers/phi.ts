/** Every patient value the test clinics and the demo clinic hold: none may ever appear in a log line. */
export const SEEDED_PHI = ['Jane', 'Jonathan', 'Smith', '1986-04-12', '1972-11-30', '+1-415-555-0148', '+1-415-555-0223', 'jane.smith@example.com', 'j.smith@example.com',
  // test/integration/patients-records.test.ts
  'Okafor', '1991-03-04', '+1-415-555-0177', 'Hana.Okafor@Example.com', 'hana.okafor@example.com', 'Mendelsohn', 'ruth@example.org', 'Empotent', 'Smithers'] as const;
