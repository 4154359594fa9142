import { describe, expect, it } from "vitest";
import { parse } from "./parser.js";
import { type Case, caseInput, expectRoundTrip } from "./testing/round-trip.js";

/** CREATE / ALTER / DROP / RENAME / TRUNCATE. */
const DDL: Case[] = [
  [
    "create table product(sku varbinary(128), description varbinary(128), price bigint, primary key(sku))",
    "create table product (sku varbinary(128), description varbinary(128), price bigint, primary key (sku))",
  ],
  [
    "create table customer(customer_id bigint not null auto_increment, email varbinary(128), primary key(customer_id)) ENGINE=InnoDB",
    "create table customer (customer_id bigint not null auto_increment, email varbinary(128), primary key (customer_id)) engine InnoDB",
  ],
  [
    "create table customer_seq(id int, next_id bigint, cache bigint, primary key(id)) comment 'vitess_sequence'",
    "create table customer_seq (id int, next_id bigint, cache bigint, primary key (id)) comment 'vitess_sequence'",
  ],
  "create table t (id int primary key, dt datetime default current_timestamp())",
  [
    "create table t (id int primary key, dt datetime DEFAULT (CURRENT_TIMESTAMP))",
    "create table t (id int primary key, dt datetime default CURRENT_TIMESTAMP())",
  ],
  [
    "create table t (id int primary key, dt datetime DEFAULT now())",
    "create table t (id int primary key, dt datetime default now())",
  ],
  [
    "create table t (id int primary key, dt datetime DEFAULT (now()))",
    "create table t (id int primary key, dt datetime default now())",
  ],
  [
    "create table t (ts timestamp(6) not null default current_timestamp(6) on update current_timestamp(6))",
    "create table t (ts timestamp(6) not null default current_timestamp(6) on update current_timestamp(6))",
  ],
  [
    "create table x (e enum('red','yellow') null collate 'utf8_bin')",
    "create table x (e enum('red', 'yellow') collate utf8_bin null)",
  ],
  "create table x (s set('a', 'b') not null default 'a')",
  [
    "create table 3t2 (c1 bigint not null, c2 text, primary key(c1))",
    "create table `3t2` (c1 bigint not null, c2 text, primary key (c1))",
  ],
  "create table t (a int unsigned zerofill, b decimal(10,2) unsigned, c double not null default -1.5, d float(7,4))",
  [
    "create table t (a double precision, b character varying(10), c national char(2))",
    "create table t (a double, b varchar(10), c nchar(2))",
  ],
  [
    "create table t (a varchar(10) character set utf8mb4 collate utf8mb4_bin not null default '' comment 'the a')",
    "create table t (a varchar(10) charset utf8mb4 collate utf8mb4_bin not null default '' comment 'the a')",
  ],
  "create table t (a varchar(10) binary, b char(1) charset latin1)",
  "create table t (a int, b int as (a + 1) virtual, c int as (a * 2) stored not null)",
  [
    "create table t (a int, b int generated always as (a + 1) stored)",
    "create table t (a int, b int as (a + 1) stored)",
  ],
  "create table t (a int default (a + 1), b json default (json_array()), c blob, d longtext, e tinyint(1) default 0)",
  [
    "create table t (a int default null, b bool default true, c bit(1) default b'1')",
    "create table t (a int default null, b bool default true, c bit(1) default B'1')",
  ],
  "create table t (a int unique, b int unique key, c int key, d int primary key)",
  "create table t (a int invisible, b int visible, c int column_format fixed, d int storage disk)",
  "create table t (g geometry not null srid 4326, p point)",
  "create table t (a int check (a > 0), b int references u (id) on delete cascade)",
  [
    "create table t (id bigint, a int, key idx_a (a), unique key uk (a, id), index (id), fulltext key ft (a), primary key (id))",
    "create table t (id bigint, a int, key idx_a (a), unique key uk (a, id), key (id), fulltext key ft (a), primary key (id))",
  ],
  [
    "create table t (a int, unique index (a), key k using btree (a))",
    "create table t (a int, unique key (a), key k using btree (a))",
  ],
  "create table t (a varchar(100), key k (a(10) desc, (a + 1)) comment 'x' invisible key_block_size 8)",
  [
    "create table t (a int, constraint pk primary key (a))",
    "create table t (a int, constraint pk primary key (a))",
  ],
  "create table t (a int, b int, constraint fk foreign key fk_idx (b) references u (id) match full on delete set null on update cascade)",
  "create table t (a int, foreign key (a) references ks.u (id, x) on delete no action on update restrict)",
  "create table t (a int, constraint c1 check (a > 0) not enforced, check (a < 10))",
  [
    "create table t (a int) engine=InnoDB auto_increment=100 default charset=utf8mb4 collate=utf8mb4_0900_ai_ci comment='x' row_format=dynamic",
    "create table t (a int) engine InnoDB auto_increment 100 charset utf8mb4 collate utf8mb4_0900_ai_ci comment 'x' row_format dynamic",
  ],
  [
    "create table t (a int) engine = MyISAM, max_rows = 10",
    "create table t (a int) engine MyISAM max_rows 10",
  ],
  ["create table t (a int) character set = latin1", "create table t (a int) charset latin1"],
  "create table t (a int) data directory '/tmp' stats_persistent 1",
  "create table t (a int) union (t1, ks.t2)",
  "create table t (id int, ts date) partition by range (year(ts)) (partition p0 values less than (2000), partition p1 values less than maxvalue)",
  "create table t (id int) partition by hash (id) partitions 4",
  "create temporary table t (a int)",
  "create table if not exists t (a int)",
  "create table ks.t (a int)",
  "create table t like u",
  ["create table t (like u)", "create table t like u"],
  "create table t (a int) as select a from u",
  ["create table t select a from u", "create table t as select a from u"],
  ["create table t as select * from u", "create table t as select * from u"],
  "create table `order` (`key` int, `select` varchar(5))",
  "create index idx on t (a)",
  "create unique index idx_email on customer (email)",
  "create fulltext index ft on t (a, b)",
  "create spatial index sp on t (g)",
  "create index idx using btree on t (a(10) desc) comment 'x'",
  [
    "create index idx on t (a) algorithm = inplace lock = none",
    "create index idx on t (a) algorithm inplace lock none",
  ],
  "create view v as select a from t",
  "create or replace view v as select a from t",
  "create view v(x, y) as select a, b from t",
  "create algorithm = merge definer = 'root'@'localhost' sql security invoker view ks.v as select a from t with cascaded check option",
  "create definer = `root`@`%` view v as select 1 from dual with check option",
  "create view v as select a from t union select b from u",
  "alter view v as select a from t",
  "alter algorithm = temptable view v(a) as select a from t",
  "create database ks",
  [
    "create schema if not exists ks default character set utf8mb4",
    "create database if not exists ks charset utf8mb4",
  ],
  ["alter table t add column a int", "alter table t add column a int"],
  [
    "alter table t add a int not null default 0 after b",
    "alter table t add column a int not null default 0 after b",
  ],
  [
    "alter table t add column a int first, add b int",
    "alter table t add column a int first, add column b int",
  ],
  "alter table t add column (a int, b varchar(10))",
  [
    "alter table customer add column age int not null default 0, add index idx_age (age)",
    "alter table customer add column age int not null default 0, add key idx_age (age)",
  ],
  "alter table t add unique key uk (a, b)",
  "alter table t add primary key (id)",
  "alter table t add constraint fk foreign key (a) references u (id)",
  "alter table t add constraint c check (a > 0)",
  ["alter table t drop a", "alter table t drop column a"],
  "alter table t drop column a, drop index idx, drop primary key, drop foreign key fk",
  ["alter table t drop key idx", "alter table t drop index idx"],
  "alter table t drop constraint c",
  "alter table t drop check c",
  [
    "alter table t modify a bigint unsigned not null",
    "alter table t modify column a bigint unsigned not null",
  ],
  "alter table t modify column a bigint after b",
  ["alter table t change a b int", "alter table t change column a b int"],
  "alter table t change column a b varchar(10) not null first",
  "alter table t rename column a to b",
  ["alter table t rename key a to b", "alter table t rename index a to b"],
  ["alter table t rename to u", "alter table t rename to u"],
  ["alter table t rename as ks.u", "alter table t rename to ks.u"],
  ["alter table t rename u", "alter table t rename to u"],
  "alter table t alter column a set default 1",
  ["alter table t alter a set default (now())", "alter table t alter column a set default now()"],
  "alter table t alter column a drop default",
  ["alter table t engine = InnoDB", "alter table t engine InnoDB"],
  ["alter table t comment = 'x', auto_increment = 5", "alter table t comment 'x', auto_increment 5"],
  [
    "alter table t convert to charset utf8mb4 collate utf8mb4_bin",
    "alter table t convert to character set utf8mb4 collate utf8mb4_bin",
  ],
  ["alter table t default character set latin1", "alter table t charset latin1"],
  "alter table t force",
  [
    "alter table t add column a int, algorithm = inplace, lock = none",
    "alter table t add column a int, algorithm inplace, lock none",
  ],
  "alter table t order by a, b",
  "alter table t discard tablespace",
  "alter table t add partition (partition p3 values less than (2010))",
  "alter table t drop partition p1, p2",
  "alter table t partition by hash (id) partitions 8",
  "alter table t remove partitioning",
  "alter table t enable keys",
  "alter table t",
  ["rename table a to b", "rename table a to b"],
  "rename table a to b, ks.c to ks.d",
  ["drop table a", "drop table a"],
  "drop table if exists a, b",
  ["drop table a cascade", "drop table a"],
  "drop temporary table if exists a",
  "drop index idx on t",
  "drop index `PRIMARY` on t algorithm inplace",
  "drop view v",
  ["drop view if exists v1, ks.v2 restrict", "drop view if exists v1, ks.v2"],
  "drop database ks",
  ["drop schema if exists ks", "drop database if exists ks"],
  "truncate table t",
  ["truncate t", "truncate table t"],
  ["truncate ks.t", "truncate table ks.t"],
];

describe("DDL round trip", () => {
  it.each(DDL.map((c, i) => [`${i}: ${caseInput(c)}`, c] as const))("%s", (_name, c) => {
    expectRoundTrip(c);
  });

  it("models the sequence table of seed 000", () => {
    const ast = parse(
      "create table customer_seq(id int, next_id bigint, cache bigint, primary key(id)) comment 'vitess_sequence'",
    );
    expect(ast).toMatchObject({
      kind: "CreateTable",
      table: { name: "customer_seq" },
      columns: [
        { name: "id", type: { name: "int" } },
        { name: "next_id", type: { name: "bigint" } },
        { name: "cache", type: { name: "bigint" } },
      ],
      indexes: [{ type: "primary", columns: [{ column: "id" }] }],
      options: [{ name: "comment", value: "vitess_sequence", quoted: true }],
    });
  });

  it("keeps alter options it does not model as raw text", () => {
    expect(parse("alter table t add column a int, order by a")).toMatchObject({
      kind: "AlterTable",
      options: [{ kind: "AddColumn" }, { kind: "Raw", text: "order by a" }],
    });
  });

  it("keeps create kinds it does not model as Other", () => {
    expect(parse("create procedure p() begin select 1; end")).toMatchObject({
      kind: "Other",
      category: "ddl",
      name: "CREATE PROCEDURE",
    });
    expect(
      parse("create definer = root@localhost trigger tr before insert on t for each row set new.a = 1"),
    ).toMatchObject({
      kind: "Other",
      name: "CREATE TRIGGER",
    });
    expect(parse("alter database ks character set utf8mb4")).toMatchObject({
      kind: "Other",
      name: "ALTER DATABASE",
    });
    expect(parse("drop procedure p")).toMatchObject({ kind: "Other", name: "DROP PROCEDURE" });
  });
});
