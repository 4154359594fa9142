import { describe, expect, it } from "vitest";
import { format } from "./formatter.js";
import { normalize } from "./normalizer.js";
import { parse, parseStatements } from "./parser.js";
import { splitStatements } from "./split.js";
import { tablesOf } from "./tables.js";

/** The commerce schema of seed 000 (create_commerce_schema.sql), as ApplySchema receives it. */
const COMMERCE_SCHEMA = `create table product(
  sku varbinary(128),
  description varbinary(128),
  price bigint,
  primary key(sku)
);
create table customer(
  customer_id bigint not null auto_increment,
  email varbinary(128),
  primary key(customer_id)
);
create table corder(
  order_id bigint not null auto_increment,
  customer_id bigint,
  sku varbinary(128),
  price bigint,
  primary key(order_id)
);
`;

/** Seed 000's sequence tables (create_commerce_seq.sql). */
const COMMERCE_SEQUENCES = `create table customer_seq(id int, next_id bigint, cache bigint, primary key(id)) comment 'vitess_sequence';
insert into customer_seq(id, next_id, cache) values(0, 1000, 100);
create table order_seq(id int, next_id bigint, cache bigint, primary key(id)) comment 'vitess_sequence';
insert into order_seq(id, next_id, cache) values(0, 1000, 100);
`;

/** The local example's insert_commerce_data.sql and select_commerce_data.sql. */
const COMMERCE_DATA = `insert into customer(email) values('alice@domain.com');
insert into customer(email) values('bob@domain.com');
insert into customer(email) values('charlie@domain.com');
insert into customer(email) values('dan@domain.com');
insert into customer(email) values('eve@domain.com');
insert into product(sku, description, price) values('SKU-1001', 'Monitor', 100);
insert into product(sku, description, price) values('SKU-1002', 'Keyboard', 30);
insert into corder(customer_id, sku, price) values(1, 'SKU-1001', 100);
insert into corder(customer_id, sku, price) values(2, 'SKU-1002', 30);
insert into corder(customer_id, sku, price) values(3, 'SKU-1002', 30);
insert into corder(customer_id, sku, price) values(4, 'SKU-1002', 30);
insert into corder(customer_id, sku, price) values(5, 'SKU-1002', 30);
`;

const COMMERCE_SELECTS = `\\! echo 'Using commerce'
use commerce;
\\! echo 'Customer'
select * from customer;
\\! echo 'Product'
select * from product;
\\! echo 'COrder'
select * from corder;
`;

/** Other statements the seeds show users typing. */
const SEED_STATEMENTS = [
  "show tables",
  "show vitess_tablets",
  "select table_name, table_rows, data_length from information_schema.tables where table_name in ('customer', 'corder')",
  "use customer/-80",
  "use customer/80-",
  "use commerce/0",
  "use commerce@replica",
  "select * from customer where customer_id = 4",
  "vexplain plan select * from customer where customer_id = 4",
  "select id, email from customer where in_keyrange(customer_id, 'hash', '-80')",
  "select next 10 values from customer_seq",
  "select next :n values from order_seq",
  "select id, keyspace_id, hex_keyspace_id, shard from hash where id in (1, 2)",
];

describe("seed statements", () => {
  it("parses the commerce schema into three CREATE TABLEs that round-trip", () => {
    const statements = splitStatements(COMMERCE_SCHEMA).map((s) => parse(s));
    expect(statements.map((s) => s.kind)).toEqual(["CreateTable", "CreateTable", "CreateTable"]);
    expect(statements.map((s) => format(s))).toEqual([
      "create table product (sku varbinary(128), description varbinary(128), price bigint, primary key (sku))",
      "create table customer (customer_id bigint not null auto_increment, email varbinary(128), primary key (customer_id))",
      "create table corder (order_id bigint not null auto_increment, customer_id bigint, sku varbinary(128), price bigint, primary key (order_id))",
    ]);
    for (const s of statements) expect(parse(format(s))).toEqual(s);
  });

  it("parses the sequence tables and their rows", () => {
    const statements = parseStatements(COMMERCE_SEQUENCES);
    expect(statements.map((s) => s.kind)).toEqual(["CreateTable", "Insert", "CreateTable", "Insert"]);
    const [seq] = statements;
    expect(seq?.kind === "CreateTable" && seq.options).toEqual([
      { name: "comment", value: "vitess_sequence", quoted: true },
    ]);
  });

  it("parses and normalizes the commerce data inserts to one plan per table", () => {
    const keys = new Set(parseStatements(COMMERCE_DATA).map((s) => normalize(s).sql));
    expect([...keys]).toEqual([
      "insert into customer(email) values (:vtg1)",
      "insert into product(sku, description, price) values (:vtg1, :vtg2, :vtg3)",
      "insert into corder(customer_id, sku, price) values (:vtg1, :vtg2, :vtg3)",
    ]);
  });

  it("parses the select script's SQL lines", () => {
    const sql = COMMERCE_SELECTS.split("\n")
      .filter((line) => !line.startsWith("\\!"))
      .join("\n");
    expect(parseStatements(sql).map((s) => format(s))).toEqual([
      "use commerce",
      "select * from customer",
      "select * from product",
      "select * from corder",
    ]);
  });

  it.each(SEED_STATEMENTS)("%s", (sql) => {
    const stmt = parse(sql);
    expect(parse(format(stmt))).toEqual(stmt);
  });

  it("finds the information_schema table of seed 002's progress query", () => {
    expect(tablesOf(parse(SEED_STATEMENTS[2] as string))).toEqual([
      { name: "tables", qualifier: "information_schema" },
    ]);
  });
});
