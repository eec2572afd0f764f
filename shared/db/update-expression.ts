/**
 * The one UpdateExpression builder: the fields to change (a value is SET, `null` REMOVEs the
 * attribute, `undefined` leaves it alone), plus clauses written with their own placeholders
 * (`ADD schedule_version :one`, `#lock = if_not_exists(#lock, :lock)`) and their names and values.
 * Empty name and value maps are left out (DynamoDB refuses them).
 */
export type FieldChanges = Readonly<Record<string, unknown>>;

export type UpdateParts = {
  UpdateExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
};

export type ExtraClauses = {
  set?: readonly string[];
  add?: readonly string[];
  remove?: readonly string[];
  names?: Record<string, string>;
  values?: Record<string, unknown>;
};

export function updateExpression(changes: FieldChanges, extra: ExtraClauses = {}): UpdateParts {
  const names: Record<string, string> = { ...extra.names };
  const values: Record<string, unknown> = { ...extra.values };
  const set: string[] = [];
  const remove: string[] = [];
  Object.entries(changes).forEach(([field, value], i) => {
    if (value === undefined) return;
    names[`#f${i}`] = field;
    if (value === null) remove.push(`#f${i}`);
    else {
      values[`:f${i}`] = value;
      set.push(`#f${i} = :f${i}`);
    }
  });
  set.push(...(extra.set ?? []));
  remove.push(...(extra.remove ?? []));
  const clauses = [
    ...(set.length > 0 ? [`SET ${set.join(', ')}`] : []),
    ...(remove.length > 0 ? [`REMOVE ${remove.join(', ')}`] : []),
    ...(extra.add && extra.add.length > 0 ? [`ADD ${extra.add.join(', ')}`] : []),
  ];
  return {
    UpdateExpression: clauses.join(' '),
    ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}
