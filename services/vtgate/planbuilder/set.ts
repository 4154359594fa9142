import {
  type BindVariable,
  ExecuteOptions_TransactionIsolation as Isolation,
  Type,
} from "../../../libs/proto/query.js";
import {
  type Expr,
  formatExpr,
  type IsolationLevel,
  type SetStatement,
  type SetTransaction,
} from "../../../libs/sqlparser/index.js";
import { Code, invalidArgument, VtError } from "../../../libs/vterrors/index.js";
import { type SetOp, SetVariables } from "../engine/set-variables.js";
import { ACCEPTED_SYSTEM_VARIABLES } from "../session/system-variables.js";
import { unsupported } from "./errors.js";

const ISOLATION_LEVELS: Readonly<Record<IsolationLevel, Isolation>> = {
  "repeatable read": Isolation.REPEATABLE_READ,
  "read committed": Isolation.READ_COMMITTED,
  "read uncommitted": Isolation.READ_UNCOMMITTED,
  serializable: Isolation.SERIALIZABLE,
};

const ISOLATION_VALUES: Readonly<Record<string, Isolation>> = {
  "REPEATABLE-READ": Isolation.REPEATABLE_READ,
  "READ-COMMITTED": Isolation.READ_COMMITTED,
  "READ-UNCOMMITTED": Isolation.READ_UNCOMMITTED,
  SERIALIZABLE: Isolation.SERIALIZABLE,
};

function unknownVariable(name: string): VtError {
  return new VtError(Code.INVALID_ARGUMENT, `Unknown system variable '${name}'`, {
    mysql: { errno: 1193, sqlstate: "HY000" },
  });
}

function wrongValue(name: string, value: Expr): VtError {
  return new VtError(
    Code.INVALID_ARGUMENT,
    `Variable '${name}' can't be set to the value of '${formatExpr(value)}'`,
    {
      mysql: { errno: 1231, sqlstate: "42000" },
    },
  );
}

/** ON/OFF, 1/0, TRUE/FALSE as a boolean; undefined for anything else. */
function booleanValue(value: Expr): boolean | undefined {
  if (value.kind === "Bool") return value.value;
  if (value.kind === "Literal") {
    const text = value.value.toLowerCase();
    if (text === "1" || text === "on" || text === "true") return true;
    if (text === "0" || text === "off" || text === "false") return false;
  }
  if (value.kind === "Column" && value.table === undefined) {
    const text = value.name.toLowerCase();
    if (text === "on") return true;
    if (text === "off") return false;
  }
  return undefined;
}

/** A literal as a bind variable (what `set @x = ...` may assign). */
function literalBindVar(value: Expr): BindVariable | undefined {
  const bv = (type: Type, text: string): BindVariable => ({
    type,
    value: Buffer.from(text, "utf8"),
    values: [],
  });
  switch (value.kind) {
    case "Null":
      return { type: Type.NULL_TYPE, value: Buffer.alloc(0), values: [] };
    case "Bool":
      return bv(Type.INT64, value.value ? "1" : "0");
    case "Literal":
      switch (value.type) {
        case "int":
          return bv(Type.INT64, value.value);
        case "decimal":
          return bv(Type.DECIMAL, value.value);
        case "float":
          return bv(Type.FLOAT64, value.value);
        case "string":
          return bv(Type.VARCHAR, value.value);
        default:
          return undefined;
      }
    default:
      return undefined;
  }
}

function textValue(value: Expr): string | undefined {
  if (value.kind === "Literal") return value.value;
  if (value.kind === "Column" && value.table === undefined) return value.name;
  return undefined;
}

/** SET ...: each assignment becomes a session change (see SetOp); GLOBAL scope is refused. */
export function planSet(stmt: SetStatement): SetVariables {
  const ops: SetOp[] = [];
  for (const item of stmt.items) {
    if (item.kind === "SetNames") {
      ops.push({ kind: "system", name: "names", sqlValue: item.charset });
      continue;
    }
    if (item.kind === "SetCharset") {
      ops.push({ kind: "system", name: "charset", sqlValue: item.charset });
      continue;
    }
    const { variable, value } = item;
    if (variable.scope === "user") {
      const bindVar = literalBindVar(value);
      if (!bindVar)
        throw unsupported(`SET @${variable.name} to an expression; only literals can be assigned`);
      ops.push({ kind: "user", name: variable.name, value: bindVar });
      continue;
    }
    if (variable.scope !== "implicit" && variable.scope !== "session") {
      throw unsupported(`SET ${variable.scope.toUpperCase()} through vtgate`);
    }
    const name = variable.name.toLowerCase();
    switch (name) {
      case "autocommit": {
        const on = booleanValue(value);
        if (on === undefined) throw wrongValue(name, value);
        ops.push({ kind: "autocommit", on });
        break;
      }
      case "transaction_isolation":
      case "tx_isolation": {
        const level = ISOLATION_VALUES[(textValue(value) ?? "").toUpperCase()];
        if (level === undefined) throw wrongValue(name, value);
        ops.push({ kind: "isolation", level });
        break;
      }
      case "workload": {
        const workload = (textValue(value) ?? "").toLowerCase();
        if (!["oltp", "olap", "dba"].includes(workload)) throw wrongValue(name, value);
        ops.push({ kind: "workload", workload });
        break;
      }
      case "sql_select_limit": {
        if (value.kind === "Default") ops.push({ kind: "sqlSelectLimit", limit: 0 });
        else if (value.kind === "Literal" && value.type === "int")
          ops.push({ kind: "sqlSelectLimit", limit: Number(value.value) });
        else throw wrongValue(name, value);
        break;
      }
      default:
        if (!ACCEPTED_SYSTEM_VARIABLES.has(name)) throw unknownVariable(name);
        ops.push({
          kind: "system",
          name,
          sqlValue: value.kind === "Default" ? "DEFAULT" : formatExpr(value),
        });
    }
  }
  return new SetVariables(ops);
}

/** SET [SESSION] TRANSACTION ISOLATION LEVEL ...: kept for the session's next transactions. */
export function planSetTransaction(stmt: SetTransaction): SetVariables {
  if (stmt.scope === "global") throw unsupported("SET GLOBAL TRANSACTION through vtgate");
  const ops: SetOp[] = [];
  if (stmt.isolationLevel) ops.push({ kind: "isolation", level: ISOLATION_LEVELS[stmt.isolationLevel] });
  if (stmt.accessMode) {
    ops.push({
      kind: "system",
      name: "transaction_read_only",
      sqlValue: stmt.accessMode === "read only" ? "1" : "0",
    });
  }
  if (ops.length === 0) throw invalidArgument("SET TRANSACTION without characteristics");
  return new SetVariables(ops);
}
