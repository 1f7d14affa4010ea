/** An identity-based IAM policy statement, as the synthesized template holds it (references resolved). */
export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, unknown>;
}

/** One thing a request needs: an action on a resource (`dynamodb:PutItem` on a table ARN). */
export interface Permission {
  action: string;
  resource: string;
}

/** IAM wildcards: `*` any run of characters, `?` one; actions compare case-insensitively. */
function wildcard(pattern: string, caseInsensitive: boolean): RegExp {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '');
}

const list = (value: string | string[] | undefined) => (value === undefined ? [] : [value].flat());

function matchesAny(patterns: string[], value: string, caseInsensitive: boolean): boolean {
  return patterns.some((pattern) => wildcard(pattern, caseInsensitive).test(value));
}

function applies(statement: PolicyStatement, { action, resource }: Permission): boolean {
  // A condition the local runtime cannot evaluate makes the statement apply to nothing here.
  if (statement.Condition && Object.keys(statement.Condition).length > 0) return false;
  const actionMatches = statement.Action
    ? matchesAny(list(statement.Action), action, true)
    : !matchesAny(list(statement.NotAction), action, true);
  if (!actionMatches) return false;
  return statement.Resource
    ? matchesAny(list(statement.Resource), resource, false)
    : !matchesAny(list(statement.NotResource), resource, false);
}

/**
 * IAM's verdict for an identity policy: an explicit Deny wins, then any Allow; without
 * either the request is implicitly denied. (Resource policies, permission boundaries
 * and SCPs are not part of Mailroom's stack.)
 */
export function isAllowed(statements: readonly PolicyStatement[], permission: Permission): boolean {
  if (statements.some((statement) => statement.Effect === 'Deny' && applies(statement, permission)))
    return false;
  return statements.some((statement) => statement.Effect === 'Allow' && applies(statement, permission));
}
