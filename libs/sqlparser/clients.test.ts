import { describe, expect, it } from "vitest";
import { isSqlSyntaxError } from "./errors.js";
import { format } from "./formatter.js";
import { normalize } from "./normalizer.js";
import { parse } from "./parser.js";

/** What real clients send: drivers' connection setup, ORMs' and GUI tools' introspection, sysbench. */
const CLIENT_QUERIES = [
  "select @@version_comment limit 1",
  "SELECT DATABASE()",
  "SELECT  @@session.auto_increment_increment AS auto_increment_increment, @@character_set_client AS character_set_client, @@character_set_connection AS character_set_connection, @@character_set_results AS character_set_results, @@character_set_server AS character_set_server, @@collation_server AS collation_server, @@collation_connection AS collation_connection, @@init_connect AS init_connect, @@interactive_timeout AS interactive_timeout, @@license AS license, @@lower_case_table_names AS lower_case_table_names, @@max_allowed_packet AS max_allowed_packet, @@net_write_timeout AS net_write_timeout, @@performance_schema AS performance_schema, @@sql_mode AS sql_mode, @@system_time_zone AS system_time_zone, @@time_zone AS time_zone, @@transaction_isolation AS transaction_isolation, @@wait_timeout AS wait_timeout",
  "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci",
  "SET autocommit=1",
  "SET character_set_results = NULL",
  "SET SQL_SELECT_LIMIT=DEFAULT",
  "SET sql_mode=(SELECT CONCAT(@@sql_mode, ',ONLY_FULL_GROUP_BY'))",
  "SET @@SESSION.sql_mode = CONCAT(REPLACE(REPLACE(REPLACE(@@sql_mode, 'STRICT_TRANS_TABLES', ''), 'STRICT_ALL_TABLES', ''), 'TRADITIONAL', ''), ',NO_AUTO_VALUE_ON_ZERO')",
  "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
  "SHOW SESSION VARIABLES LIKE 'lower_case_table_names'",
  "SHOW VARIABLES WHERE Variable_name = 'language' OR Variable_name = 'net_write_timeout'",
  "SHOW FULL COLUMNS FROM `customer` FROM `commerce` LIKE '%'",
  "SHOW INDEX FROM `customer` FROM `commerce`",
  "SHOW FULL TABLES FROM `commerce` WHERE Table_type = 'BASE TABLE'",
  "SHOW TABLE STATUS FROM `commerce` LIKE 'customer'",
  "SHOW CREATE TABLE `commerce`.`customer`",
  "SHOW WARNINGS",
  "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, IS_NULLABLE, COLUMN_DEFAULT, COLUMN_KEY, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'commerce' ORDER BY TABLE_NAME, ORDINAL_POSITION",
  "select table_name as `name`, table_type from information_schema.tables where table_schema = database() and table_type in ('BASE TABLE', 'VIEW')",
  "SELECT kcu.CONSTRAINT_NAME, kcu.COLUMN_NAME, kcu.REFERENCED_TABLE_NAME FROM information_schema.KEY_COLUMN_USAGE AS kcu WHERE kcu.TABLE_SCHEMA = DATABASE() AND kcu.REFERENCED_TABLE_NAME IS NOT NULL",
  "SELECT GET_LOCK('lock', 10)",
  "SELECT RELEASE_LOCK('lock')",
  "SELECT LAST_INSERT_ID()",
  "SELECT FOUND_ROWS()",
  "SELECT ROW_COUNT()",
  "SELECT CONNECTION_ID()",
  "SELECT NOW(6), UTC_TIMESTAMP(), UNIX_TIMESTAMP()",
  "/* ping */ SELECT 1",
  "SELECT c FROM sbtest1 WHERE id=?",
  "SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ?",
  "SELECT SUM(k) FROM sbtest1 WHERE id BETWEEN ? AND ?",
  "SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c",
  "SELECT DISTINCT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c",
  "UPDATE sbtest1 SET k=k+1 WHERE id=?",
  "UPDATE sbtest1 SET c=? WHERE id=?",
  "DELETE FROM sbtest1 WHERE id=?",
  "INSERT INTO sbtest1 (id, k, c, pad) VALUES (?, ?, ?, ?)",
  "CREATE TABLE sbtest1(\n  id INTEGER NOT NULL AUTO_INCREMENT,\n  k INTEGER DEFAULT '0' NOT NULL,\n  c CHAR(120) DEFAULT '' NOT NULL,\n  pad CHAR(60) DEFAULT '' NOT NULL,\n  PRIMARY KEY (id)\n) /*! ENGINE = innodb */",
  "CREATE INDEX k_1 ON sbtest1(k)",
  "DROP TABLE IF EXISTS sbtest1",
  "SELECT `id`, `email` FROM `customer` WHERE `customer_id` IN (1, 2, 3) ORDER BY `id` DESC LIMIT 20 OFFSET 40",
  "SELECT COUNT(*) AS `count` FROM `corder` WHERE `price` >= 10 AND `sku` LIKE 'SKU-%'",
  "INSERT INTO `customer` (`email`) VALUES ('a@b.c') ON DUPLICATE KEY UPDATE `email` = VALUES(`email`)",
  "SELECT `t`.* FROM (SELECT customer_id, SUM(price) AS total FROM corder GROUP BY customer_id) AS `t` WHERE `t`.total > 100",
  "SELECT * FROM corder WHERE customer_id = 1 FOR UPDATE",
  "START TRANSACTION READ ONLY",
  "XA START 'x'",
];

describe("client queries", () => {
  it.each(CLIENT_QUERIES.map((q) => [q.slice(0, 100), q] as const))("%s", (_name, sql) => {
    const stmt = parse(sql);
    const text = format(stmt);
    expect(parse(text)).toEqual(stmt);
    const n = normalize(stmt);
    expect(parse(n.sql)).toEqual(n.statement);
  });
});

const STATEMENTS_TO_CUT = [
  "select /*vt+ A=1 */ distinct a.b as x, count(*), (select 1 from u where u.id = t.id) from t join u using (id) left join v on v.a = t.a where a in (1, 2) and b between 1 and 2 or c like 'x%' escape '!' group by x having count(*) > 1 order by x desc limit 1, 2 for update",
  "insert ignore into t(a, b) values (1, 'x'), (default, _binary 'y') on duplicate key update b = values(b)",
  "update t join u on t.id = u.id set t.a = case when u.b then 1 else cast(u.c as unsigned) end where t.d is not null",
  "delete a from t as a join u on a.id = u.id where exists (select 1 from v)",
  "create table t (id bigint not null auto_increment, e enum('a', 'b') default 'a', key k (e), primary key (id)) engine InnoDB comment 'x'",
  "alter table t add column a int first, drop index k, modify column b varchar(10) not null, rename to u",
  "with x as (select 1 from dual) select * from x union all (select 2 from dual)",
  "set global a = 1, @b := 'x', names utf8mb4",
  "show full columns from ks.t like 'x%'",
  "vexplain plan select * from t where a = :a and b in ::list",
];

describe("robustness", () => {
  it("fails every cut-off statement with a syntax error, never another exception", () => {
    for (const sql of STATEMENTS_TO_CUT) {
      for (let i = 1; i <= sql.length; i++) {
        const prefix = sql.slice(0, i);
        try {
          const stmt = parse(prefix);
          expect(parse(format(stmt))).toEqual(stmt);
        } catch (err) {
          if (!isSqlSyntaxError(err)) throw new Error(`${prefix}: ${String(err)}`);
        }
      }
    }
  });
});

/** SHOW CREATE TABLE output of MariaDB 10.11 and MySQL 8, which schema tools read back. */
const SHOW_CREATE_OUTPUTS = [
  "CREATE TABLE `customer` (\n  `customer_id` bigint(20) NOT NULL AUTO_INCREMENT,\n  `email` varbinary(128) DEFAULT NULL,\n  PRIMARY KEY (`customer_id`)\n) ENGINE=InnoDB AUTO_INCREMENT=6 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
  "CREATE TABLE `customer_seq` (\n  `id` int(11) NOT NULL,\n  `next_id` bigint(20) DEFAULT NULL,\n  `cache` bigint(20) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='vitess_sequence'",
  "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `ts` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),\n  `j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`j`)),\n  `u` varchar(36) DEFAULT uuid(),\n  `d` decimal(10,2) unsigned zerofill DEFAULT 0.00,\n  `s` set('a','b') NOT NULL DEFAULT 'a',\n  `b` bit(1) DEFAULT b'0',\n  `g` int(11) GENERATED ALWAYS AS (`id` + 1) VIRTUAL,\n  `p` int(11) GENERATED ALWAYS AS (`id` * 2) STORED,\n  `inv` int(11) DEFAULT NULL INVISIBLE,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `u` (`u`),\n  KEY `k` (`ts`) USING BTREE,\n  FULLTEXT KEY `ft` (`j`),\n  CONSTRAINT `fk` FOREIGN KEY (`id`) REFERENCES `other` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION,\n  CONSTRAINT `chk` CHECK (`id` > 0)\n) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci ROW_FORMAT=DYNAMIC PAGE_COMPRESSED='ON'",
  "CREATE TABLE `p` (\n  `id` int(11) NOT NULL\n) ENGINE=InnoDB DEFAULT CHARSET=latin1\n PARTITION BY HASH (`id`)\nPARTITIONS 4",
  "CREATE TABLE `m8` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `c` char(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci NOT NULL DEFAULT '',\n  `created` datetime(6) DEFAULT CURRENT_TIMESTAMP(6),\n  PRIMARY KEY (`id`),\n  KEY `k` (`c`) /*!80000 INVISIBLE */\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci /*!50100 TABLESPACE `innodb_system` */",
  "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS select `t`.`id` AS `id` from `t`",
];

describe("SHOW CREATE output", () => {
  it.each(SHOW_CREATE_OUTPUTS.map((q) => [q.slice(0, 60), q] as const))("%s", (_name, sql) => {
    const stmt = parse(sql);
    expect(stmt.kind === "CreateTable" || stmt.kind === "CreateView").toBe(true);
    expect(parse(format(stmt))).toEqual(stmt);
  });
});
