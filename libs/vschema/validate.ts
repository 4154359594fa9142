import type { Keyspace, MirrorRules, RoutingRules } from "../proto/vschema.js";
import type { VindexRegistry } from "../vindexes/index.js";
import { Code, VtError } from "../vterrors/index.js";
import { buildKeyspaceSchema, TYPE_SEQUENCE, type VSchemaIssue } from "./keyspace-builder.js";
import { parseQualifiedName, parseRoutingRuleSource } from "./table-name.js";

export interface ValidationResult {
  /** Reasons to refuse the VSchema (ApplyVSchema answers INVALID_ARGUMENT with them). */
  readonly errors: VSchemaIssue[];
  /** Accepted, but reported: unknown vindex params, vindexes in an unsharded keyspace, unchecked sequences. */
  readonly warnings: VSchemaIssue[];
}

const EMPTY_KEYSPACE: Keyspace = {
  sharded: false,
  vindexes: {},
  tables: {},
  requireExplicitRouting: false,
  foreignKeyMode: 0,
  multiTenantSpec: undefined,
};

/**
 * The checks of ApplyVSchema for keyspace `name`:
 * - every vindex type is registered and its params are valid (each vindex is instantiated);
 * - column vindexes name declared vindexes, with `column` or `columns` (not both, not neither);
 * - in a sharded keyspace every table that is not a reference or pinned table has a primary vindex, and
 *   the primary vindex is unique and not owned;
 * - table types are "", "sequence" or "reference"; sequence tables only in unsharded keyspaces (or pinned);
 *   `pinned` is hex; column names are unique;
 * - owned consistent lookups have as many owner columns as `from` columns;
 * - auto_increment names a table declared `"type": "sequence"`: qualified `ks.seq`, or unqualified and then
 *   unique across the keyspaces. Other keyspaces come from `allKeyspaces` (the stored VSchemas; this
 *   keyspace's entry is replaced by `ks`); without them only this keyspace is searched, and a sequence not
 *   found there is a warning, not an error.
 */
export function validateKeyspaceVSchema(
  name: string,
  ks: Keyspace,
  registry: VindexRegistry,
  allKeyspaces?: Readonly<Record<string, Keyspace>>,
): ValidationResult {
  const schema = buildKeyspaceSchema(name, ks, registry);
  const errors = [...schema.errors];
  const warnings = [...schema.warnings];
  const keyspaces: Record<string, Keyspace> = { ...(allKeyspaces ?? {}), [name]: ks };

  for (const [tname, table] of Object.entries(ks.tables ?? {})) {
    const auto = table.autoIncrement;
    if (auto === undefined) continue;
    const path = `tables.${tname}.auto_increment`;
    const issue = (code: Code, message: string) => ({
      keyspace: name,
      path,
      error: new VtError(code, message),
    });
    if (auto.column === "")
      errors.push(issue(Code.INVALID_ARGUMENT, `auto_increment of table ${tname} names no column`));
    if (auto.sequence === "") {
      errors.push(issue(Code.INVALID_ARGUMENT, `auto_increment of table ${tname} names no sequence`));
      continue;
    }
    let target: { keyspace: string | undefined; table: string };
    try {
      target = parseQualifiedName(auto.sequence);
    } catch (err) {
      errors.push(
        issue(Code.INVALID_ARGUMENT, `auto_increment of table ${tname}: ${(err as Error).message}`),
      );
      continue;
    }
    const candidates: { keyspace: string; type: string }[] = [];
    for (const [ksName, other] of Object.entries(keyspaces)) {
      if (target.keyspace !== undefined && ksName !== target.keyspace) continue;
      if (target.keyspace === undefined && other.requireExplicitRouting && ksName !== name) continue;
      const declared = other.tables?.[target.table];
      if (declared !== undefined) candidates.push({ keyspace: ksName, type: declared.type });
    }
    if (target.keyspace !== undefined && keyspaces[target.keyspace] === undefined) {
      const unchecked = allKeyspaces === undefined;
      (unchecked ? warnings : errors).push(
        issue(
          unchecked ? Code.INVALID_ARGUMENT : Code.NOT_FOUND,
          unchecked
            ? `auto_increment of table ${tname}: sequence ${auto.sequence} is in another keyspace, not checked`
            : `auto_increment of table ${tname}: sequence ${auto.sequence} names unknown keyspace ${target.keyspace}`,
        ),
      );
      continue;
    }
    if (candidates.length === 0) {
      if (allKeyspaces === undefined && target.keyspace === undefined) {
        warnings.push(
          issue(
            Code.INVALID_ARGUMENT,
            `auto_increment of table ${tname}: sequence ${auto.sequence} is not in keyspace ${name}; other keyspaces not checked`,
          ),
        );
      } else {
        errors.push(
          issue(
            Code.NOT_FOUND,
            `auto_increment of table ${tname}: sequence table ${auto.sequence} not found${target.keyspace === undefined ? ` in any keyspace (${Object.keys(keyspaces).sort().join(", ")})` : ""}`,
          ),
        );
      }
      continue;
    }
    if (candidates.length > 1) {
      errors.push(
        issue(
          Code.FAILED_PRECONDITION,
          `auto_increment of table ${tname}: sequence ${auto.sequence} is ambiguous (in keyspaces ${candidates
            .map((c) => c.keyspace)
            .sort()
            .join(", ")}); qualify it as <keyspace>.${target.table}`,
        ),
      );
      continue;
    }
    const found = candidates[0]!;
    if (found.type !== TYPE_SEQUENCE) {
      errors.push(
        issue(
          Code.INVALID_ARGUMENT,
          `auto_increment of table ${tname}: table ${found.keyspace}.${target.table} is not a sequence (declare it with "type": "sequence")`,
        ),
      );
    }
  }
  return { errors, warnings };
}

/** Validation of an empty keyspace VSchema is trivially clean; exported for callers building defaults. */
export function emptyKeyspaceVSchema(): Keyspace {
  return structuredClone(EMPTY_KEYSPACE);
}

type IssueReporter = (path: string, code: Code, message: string) => void;

/** Runs `check` on each rule, collecting its issues under `rules[i].<path>`. */
function checkEachRule<R>(
  rules: readonly R[],
  check: (rule: R, issue: IssueReporter) => void,
): VSchemaIssue[] {
  const issues: VSchemaIssue[] = [];
  rules.forEach((rule, i) => {
    check(rule, (path, code, message) =>
      issues.push({ keyspace: "", path: `rules[${i}].${path}`, error: new VtError(code, message) }),
    );
  });
  return issues;
}

/**
 * The checks of ApplyRoutingRules: each `from_table` is `[keyspace.]table[@tablet_type]` and appears once;
 * each rule has at most one target, written `keyspace.table`, in a known keyspace when `keyspaces` is given.
 */
export function validateRoutingRules(rules: RoutingRules, keyspaces?: Iterable<string>): VSchemaIssue[] {
  const known = keyspaces === undefined ? undefined : new Set(keyspaces);
  const seen = new Set<string>();
  return checkEachRule(rules.rules, (rule, issue) => {
    try {
      parseRoutingRuleSource(rule.fromTable);
    } catch (err) {
      issue("from_table", Code.INVALID_ARGUMENT, (err as Error).message);
    }
    if (seen.has(rule.fromTable))
      issue("from_table", Code.ALREADY_EXISTS, `duplicate rule for entry ${rule.fromTable}`);
    seen.add(rule.fromTable);
    if (rule.toTables.length > 1) {
      issue(
        "to_tables",
        Code.INVALID_ARGUMENT,
        `table ${rule.fromTable} has more than one target: [${rule.toTables.join(" ")}]`,
      );
      return;
    }
    rule.toTables.forEach((to, j) => {
      try {
        const target = parseQualifiedName(to, true);
        if (known !== undefined && !known.has(target.keyspace!)) {
          issue(
            `to_tables[${j}]`,
            Code.NOT_FOUND,
            `routing rule target ${to} names unknown keyspace ${target.keyspace}`,
          );
        }
      } catch (err) {
        issue(`to_tables[${j}]`, Code.INVALID_ARGUMENT, (err as Error).message);
      }
    });
  });
}

/**
 * The checks of ApplyMirrorRules: `from_table` is `keyspace.table[@tablet_type]` and appears once, `to_table`
 * is `keyspace.table` in another keyspace, `percent` is in (0, 100], and both keyspaces exist when `keyspaces`
 * is given.
 */
export function validateMirrorRules(rules: MirrorRules, keyspaces?: Iterable<string>): VSchemaIssue[] {
  const known = keyspaces === undefined ? undefined : new Set(keyspaces);
  const seen = new Set<string>();
  return checkEachRule(rules.rules, (rule, issue) => {
    const keyspaceOf = (path: string, name: string, parse: () => { keyspace?: string | undefined }) => {
      try {
        const { keyspace } = parse();
        if (keyspace === undefined) {
          issue(path, Code.INVALID_ARGUMENT, `mirror rule table ${name} must be qualified with its keyspace`);
        } else if (known !== undefined && !known.has(keyspace)) {
          issue(path, Code.NOT_FOUND, `mirror rule table ${name} names unknown keyspace ${keyspace}`);
        }
        return keyspace;
      } catch (err) {
        issue(path, Code.INVALID_ARGUMENT, (err as Error).message);
        return undefined;
      }
    };
    const from = keyspaceOf("from_table", rule.fromTable, () => parseRoutingRuleSource(rule.fromTable));
    const to = keyspaceOf("to_table", rule.toTable, () => parseQualifiedName(rule.toTable, true));
    if (from !== undefined && from === to) {
      issue(
        "to_table",
        Code.INVALID_ARGUMENT,
        `mirror rule ${rule.fromTable} mirrors into its own keyspace ${to}`,
      );
    }
    if (seen.has(rule.fromTable))
      issue("from_table", Code.ALREADY_EXISTS, `duplicate mirror rule for ${rule.fromTable}`);
    seen.add(rule.fromTable);
    if (!(rule.percent > 0 && rule.percent <= 100)) {
      issue("percent", Code.INVALID_ARGUMENT, `mirror rule percent must be in (0, 100], got ${rule.percent}`);
    }
  });
}

/** One message for a list of issues, as ApplyVSchema reports them: `path: message; path: message`. */
export function formatIssues(issues: readonly VSchemaIssue[]): string {
  return issues.map((i) => (i.path === "" ? i.error.message : `${i.path}: ${i.error.message}`)).join("; ");
}
