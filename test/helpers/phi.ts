/** Clinical note texts the tests write (test/integration/clinical-notes.test.ts, the isolation suite): PHI like any patient value. */
export const CLINICAL_NOTE_PHI = ['Periapical radiolucency on tooth 19', 'Amended: radiolucency is on tooth 18', 'Penicillin allergy reported by patient', 'isolation-secret-clinical-note'] as const;

/** Every patient value the test clinics and the demo clinic hold: none may ever appear in a log line. */
export const SEEDED_PHI = ['Jane', 'Jonathan', 'Smith', '1986-04-12', '1972-11-30', '+1-415-555-0148', '+1-415-555-0223', 'jane.smith@example.com', 'j.smith@example.com',
  // test/integration/patients-records.test.ts
  'Okafor', '1991-03-04', '+1-415-555-0177', 'Hana.Okafor@Example.com', 'hana.okafor@example.com', 'Mendelsohn', 'ruth@example.org', 'Empotent', 'Smithers',
  // test/integration/patients-backfill.test.ts
  'Bartholomew', 'Quimby', '1958-02-17', '+1-503-555-0199', '+1-503-555-0100', 'B.Quimby@Example.net', 'Theodora', 'Vasquez-Lind', '1964-09-23', '+44 20 7946 0958',
  'teddy.vl@example.org', 'Ignatius', 'Pemberton', '1979-12-01', ...CLINICAL_NOTE_PHI] as const;
