/**
 * The sidecar tables of VDiff (Vitess's `_vt.vdiff`, `_vt.vdiff_table`, `_vt.vdiff_log`), created at tablet
 * start with the other sidecar tables. A VDiff is one `_vt.vdiff` row per target shard (on its primary, and
 * replicated to its replicas) with one `_vt.vdiff_table` row per table holding the progress: the last key
 * compared, the rows compared and the report so far, so a stopped or interrupted diff resumes where it was.
 */
export const CREATE_VDIFF = `CREATE TABLE IF NOT EXISTS _vt.vdiff (
  id BIGINT NOT NULL AUTO_INCREMENT,
  vdiff_uuid VARCHAR(64) NOT NULL,
  workflow VARBINARY(1024) DEFAULT NULL,
  keyspace VARBINARY(256) DEFAULT NULL,
  shard VARCHAR(255) NOT NULL,
  db_name VARBINARY(1024) DEFAULT NULL,
  state VARBINARY(64) DEFAULT NULL,
  options JSON DEFAULT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  started_at TIMESTAMP NULL DEFAULT NULL,
  liveness_timestamp TIMESTAMP NULL DEFAULT NULL,
  completed_at TIMESTAMP NULL DEFAULT NULL,
  last_error VARBINARY(512) DEFAULT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uuid_idx (vdiff_uuid),
  KEY state (state),
  KEY ks_wf_idx (keyspace(64), workflow(64))
) ENGINE=InnoDB`;

export const CREATE_VDIFF_TABLE = `CREATE TABLE IF NOT EXISTS _vt.vdiff_table (
  vdiff_id BIGINT NOT NULL,
  table_name VARBINARY(128) NOT NULL,
  state VARBINARY(64) DEFAULT NULL,
  lastpk VARBINARY(2000) DEFAULT NULL,
  table_rows BIGINT NOT NULL DEFAULT 0,
  rows_compared BIGINT NOT NULL DEFAULT 0,
  mismatch TINYINT(1) NOT NULL DEFAULT 0,
  report JSON DEFAULT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (vdiff_id, table_name)
) ENGINE=InnoDB`;

export const CREATE_VDIFF_LOG = `CREATE TABLE IF NOT EXISTS _vt.vdiff_log (
  id INT NOT NULL AUTO_INCREMENT,
  vdiff_id INT NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  message TEXT NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB`;

export const VDIFF_SIDECAR_STATEMENTS: readonly string[] = [
  CREATE_VDIFF,
  CREATE_VDIFF_TABLE,
  CREATE_VDIFF_LOG,
];
