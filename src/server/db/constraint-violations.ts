// Which errors mean a write lost a race against another (a key taken, a parent gone), by the codes either database
// gives them, so a route can answer them as the refusal its own check would have given.
const VIOLATIONS = {
  unique: new Set(['23505', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']),
  foreignKey: new Set(['23503', 'SQLITE_CONSTRAINT_FOREIGNKEY']),
};

export type ConstraintKind = keyof typeof VIOLATIONS;

export function isConstraintViolation(error: unknown, kind: ConstraintKind): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && VIOLATIONS[kind].has(code);
}
