import type { SessionReader, TransactionController } from "./cursor.js";

type TransactionCursor = SessionReader & TransactionController;

/** The savepoint a statement with lookup writes rolls back to when one of its writes fails. */
const DML_SAVEPOINT = "vt_lookup_dml";

/**
 * Runs a statement that writes to several tables (the owner table and its lookup tables) so that it
 * writes all or nothing, as Vitess's executor does for DML that may touch several shards: with
 * autocommit and no open transaction, inside an implicit transaction committed at the end (rolled back
 * on error); inside a transaction, behind a savepoint rolled back to on error, so the session's earlier
 * work stays. Commits across shards stay best effort (shard by shard).
 */
export async function insideTransaction<T>(cursor: TransactionCursor, run: () => Promise<T>): Promise<T> {
  if (!cursor.inTransaction && cursor.autocommit) {
    await cursor.begin();
    let result: T;
    try {
      result = await run();
    } catch (err) {
      await cursor.rollback();
      throw err;
    }
    await cursor.commit();
    return result;
  }
  if (!cursor.inTransaction) await cursor.begin();
  await cursor.savepointStatement("savepoint", DML_SAVEPOINT, `savepoint ${DML_SAVEPOINT}`);
  let result: T;
  try {
    result = await run();
  } catch (err) {
    await cursor.savepointStatement("rollback", DML_SAVEPOINT, `rollback to ${DML_SAVEPOINT}`);
    throw err;
  }
  await cursor.savepointStatement("release", DML_SAVEPOINT, `release savepoint ${DML_SAVEPOINT}`);
  return result;
}
