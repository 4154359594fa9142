import { describe, expect, it } from "vitest";
import { ExecuteOptions } from "../proto/query.js";
import { SrvKeyspace, Tablet, TabletType } from "../proto/topodata.js";
import { Keyspace as VtctldKeyspace, Shard as VtctldShard } from "../proto/vtctldata.js";
import { marshalGoJsonList, marshalGoJsonMap, marshalProtoJson } from "./marshal.js";
import { protoRegistry, registeredCodecs, tsPropertyName } from "./registry.js";

describe("proto field names", () => {
  it("maps every ts-proto property of every message to its proto field", () => {
    const codecs = registeredCodecs();
    expect(codecs.length).toBeGreaterThan(300);
    for (const [codec, typeName] of codecs) {
      const desc = protoRegistry().getMessage(typeName);
      if (!desc) throw new Error(typeName);
      const base = codec.decode(new Uint8Array()) as Record<string, unknown>;
      const expected = new Set<string>();
      for (const field of desc.fields) {
        expected.add(tsPropertyName(field.oneof ? field.oneof.name : field.name));
      }
      for (const key of Object.keys(base)) {
        expect(expected.has(key), `${typeName}: ts-proto property ${key} has no proto field`).toBe(true);
      }
      for (const field of desc.fields) {
        if (field.oneof || field.proto.proto3Optional) continue;
        const key = tsPropertyName(field.name);
        expect(key in base, `${typeName}.${field.name}: ts-proto has no property ${key}`).toBe(true);
      }
    }
  });

  it("converts names with digits and capitals as ts-proto does", () => {
    expect(tsPropertyName("v_schema")).toBe("vSchema");
    expect(tsPropertyName("only_p_ks")).toBe("onlyPKs");
    expect(tsPropertyName("UUID")).toBe("UUID");
    expect(tsPropertyName("semiSync")).toBe("semiSync");
    expect(tsPropertyName("time_created_ns")).toBe("timeCreatedNs");
  });
});

const tablet: Tablet = {
  ...Tablet.fromPartial({}),
  alias: { cell: "zone1", uid: 100 },
  hostname: "localhost",
  portMap: { vt: 15100, grpc: 16100 },
  keyspace: "commerce",
  shard: "0",
  type: TabletType.PRIMARY,
  mysqlHostname: "localhost",
  mysqlPort: 17100,
  primaryTermStartTime: { seconds: 1_714_650_530, nanoseconds: 641_981_000 },
  defaultConnCollation: 255,
};

describe("marshalProtoJson (cli.MarshalJSON of a message)", () => {
  it("prints every field with proto names, enum names, int64 as strings and unset messages as null", () => {
    expect(marshalProtoJson(Tablet, tablet)).toBe(
      [
        "{",
        '  "alias": {',
        '    "cell": "zone1",',
        '    "uid": 100',
        "  },",
        '  "hostname": "localhost",',
        '  "port_map": {',
        '    "grpc": 16100,',
        '    "vt": 15100',
        "  },",
        '  "keyspace": "commerce",',
        '  "shard": "0",',
        '  "key_range": null,',
        '  "type": "PRIMARY",',
        '  "db_name_override": "",',
        '  "tags": {},',
        '  "mysql_hostname": "localhost",',
        '  "mysql_port": 17100,',
        '  "primary_term_start_time": {',
        '    "seconds": "1714650530",',
        '    "nanoseconds": 641981000',
        "  },",
        '  "default_conn_collation": 255,',
        '  "tablet_start_time": null',
        "}",
      ].join("\n"),
    );
  });

  it("prints bytes as base64 and a oneof only when set", () => {
    const shard = VtctldShard.fromPartial({
      keyspace: "customer",
      name: "-80",
      shard: { keyRange: { start: Buffer.alloc(0), end: Buffer.from([0x80]) }, isPrimaryServing: true },
    });
    const json = JSON.parse(marshalProtoJson(VtctldShard, shard));
    expect(json.shard.key_range).toEqual({ start: "", end: "gA==" });
    expect(json.shard.primary_alias).toBeNull();
    expect(json.shard.tablet_controls).toEqual([]);
    expect(json.shard.is_primary_serving).toBe(true);

    const withOneof = JSON.parse(
      marshalProtoJson(
        ExecuteOptions,
        ExecuteOptions.fromPartial({ timeout: { $case: "authoritativeTimeout", value: 1500 } }),
      ),
    );
    expect(withOneof.authoritative_timeout).toBe("1500");
    const without = JSON.parse(marshalProtoJson(ExecuteOptions, ExecuteOptions.fromPartial({})));
    expect(without).not.toHaveProperty("authoritative_timeout");
    expect(without).not.toHaveProperty("transaction_timeout"); // proto3 optional, unset
  });
});

describe("marshalGoJson (cli.MarshalJSON of a slice or map)", () => {
  it("omits zero values and prints enums as numbers", () => {
    const keyspaces = [
      VtctldKeyspace.fromPartial({
        name: "commerce",
        keyspace: { durabilityPolicy: "none", sidecarDbName: "_vt" },
      }),
    ];
    expect(marshalGoJsonList(VtctldKeyspace, keyspaces)).toBe(
      [
        "[",
        "  {",
        '    "name": "commerce",',
        '    "keyspace": {',
        '      "durability_policy": "none",',
        '      "sidecar_db_name": "_vt"',
        "    }",
        "  }",
        "]",
      ].join("\n"),
    );
    expect(JSON.parse(marshalGoJsonList(Tablet, [tablet]))[0]).toMatchObject({
      type: 1,
      primary_term_start_time: { seconds: 1714650530, nanoseconds: 641981000 },
    });
  });

  it("sorts map keys", () => {
    const srv = SrvKeyspace.fromPartial({
      partitions: [{ servedType: TabletType.PRIMARY, shardReferences: [{ name: "0" }] }],
    });
    expect(marshalGoJsonMap(SrvKeyspace, { zone2: srv, zone1: srv })).toBe(
      [
        "{",
        '  "zone1": {',
        '    "partitions": [',
        "      {",
        '        "served_type": 1,',
        '        "shard_references": [',
        "          {",
        '            "name": "0"',
        "          }",
        "        ]",
        "      }",
        "    ]",
        "  },",
        '  "zone2": {',
        '    "partitions": [',
        "      {",
        '        "served_type": 1,',
        '        "shard_references": [',
        "          {",
        '            "name": "0"',
        "          }",
        "        ]",
        "      }",
        "    ]",
        "  }",
        "}",
      ].join("\n"),
    );
  });
});
