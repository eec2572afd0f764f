/**
 * Structured JSON logs, one line per event. Callers pass ids, route names, statuses and timings —
 * never request bodies, query strings or anything a patient told us.
 */
type Fields = Record<string, string | number | boolean | undefined>;

function write(level: 'INFO' | 'WARN' | 'ERROR', message: string, fields: Fields) {
  if (process.env.LOG_LEVEL === 'silent') return;
  const line = JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...fields });
  if (level === 'ERROR') console.error(line);
  else console.log(line);
}

export const logger = {
  info: (message: string, fields: Fields = {}) => write('INFO', message, fields),
  warn: (message: string, fields: Fields = {}) => write('WARN', message, fields),
  error: (message: string, fields: Fields = {}) => write('ERROR', message, fields),
};
