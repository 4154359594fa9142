/**
 * The sidecar tables of VReplication (Vitess's `_vt.vreplication`, `_vt.copy_state`, `_vt.vreplication_log`).
 * They are created locally on every tablet at start, like the other sidecar tables, so the rows a primary
 * writes (with binary logging on) replicate to its replicas, which can take over the streams.
 */
export const CREATE_VREPLICATION = `CREATE TABLE IF NOT EXISTS _vt.vreplication (
  id INT AUTO_INCREMENT,
  workflow VARBINARY(1000),
  source MEDIUMBLOB NOT NULL,
  pos VARBINARY(10000) NOT NULL,
  stop_pos VARBINARY(10000) DEFAULT NULL,
  max_tps BIGINT(20) NOT NULL,
  max_replication_lag BIGINT(20) NOT NULL,
  cell VARBINARY(1000) DEFAULT NULL,
  tablet_types VARBINARY(100) DEFAULT NULL,
  time_updated BIGINT(20) NOT NULL,
  transaction_timestamp BIGINT(20) NOT NULL,
  state VARBINARY(100) NOT NULL,
  message VARBINARY(1000) DEFAULT NULL,
  db_name VARBINARY(255) NOT NULL,
  rows_copied BIGINT(20) NOT NULL DEFAULT '0',
  tags VARBINARY(1024) NOT NULL DEFAULT '',
  time_heartbeat BIGINT(20) NOT NULL DEFAULT '0',
  workflow_type INT NOT NULL DEFAULT '0',
  time_throttled BIGINT NOT NULL DEFAULT '0',
  component_throttled VARCHAR(255) NOT NULL DEFAULT '',
  workflow_sub_type INT NOT NULL DEFAULT '0',
  defer_secondary_keys TINYINT(1) NOT NULL DEFAULT '0',
  options LONGTEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (id),
  KEY workflow_idx (workflow(64))
) ENGINE=InnoDB`;

export const CREATE_COPY_STATE = `CREATE TABLE IF NOT EXISTS _vt.copy_state (
  id BIGINT NOT NULL AUTO_INCREMENT,
  vrepl_id INT NOT NULL,
  table_name VARBINARY(128) NOT NULL,
  lastpk VARBINARY(2000) DEFAULT NULL,
  PRIMARY KEY (id),
  KEY vrepl_id (vrepl_id, table_name)
) ENGINE=InnoDB`;

export const CREATE_VREPLICATION_LOG = `CREATE TABLE IF NOT EXISTS _vt.vreplication_log (
  id BIGINT(20) NOT NULL AUTO_INCREMENT,
  vrepl_id INT NOT NULL,
  type VARBINARY(256) NOT NULL,
  state VARBINARY(100) NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  message TEXT NOT NULL,
  count BIGINT(20) NOT NULL DEFAULT 1,
  PRIMARY KEY (id)
) ENGINE=InnoDB`;

/** Actions to run when a table's copy ends (Vitess's `_vt.post_copy_action`): the deferred secondary keys. */
export const CREATE_POST_COPY_ACTION = `CREATE TABLE IF NOT EXISTS _vt.post_copy_action (
  id BIGINT NOT NULL AUTO_INCREMENT,
  vrepl_id INT NOT NULL,
  table_name VARBINARY(128) NOT NULL,
  action TEXT NOT NULL,
  PRIMARY KEY (id),
  KEY vrepl_id (vrepl_id, table_name)
) ENGINE=InnoDB`;

export const VREPLICATION_SIDECAR_STATEMENTS: readonly string[] = [
  CREATE_VREPLICATION,
  CREATE_COPY_STATE,
  CREATE_VREPLICATION_LOG,
  CREATE_POST_COPY_ACTION,
];
