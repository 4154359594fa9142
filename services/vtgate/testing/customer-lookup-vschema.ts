/**
 * The layout the lookup vindex tests run on: commerce/0 (tablet 100) holds the lookup table
 * customer_lookup (email -> keyspace_id), customer is split in -80 (200) and 80- (300), customer owns the
 * lookup vindex email_lookup.
 */
export const LOOKUP_TABLETS = [
  "zone1-100 commerce 0 PRIMARY",
  "zone1-200 customer -80 PRIMARY",
  "zone1-300 customer 80- PRIMARY",
];

/** customer's column vindexes: hash on customer_id, email_lookup on email. */
export const CUSTOMER_WITH_LOOKUP = {
  column_vindexes: [
    { column: "customer_id", name: "hash" },
    { column: "email", name: "email_lookup" },
  ],
};

/** The SrvVSchema: email_lookup of `lookupType` with extra `params`, customer as given. */
export function customerLookupVSchema(
  lookupType = "lookup_unique",
  params: Record<string, string> = {},
  customer: Record<string, unknown> = CUSTOMER_WITH_LOOKUP,
) {
  return {
    keyspaces: {
      commerce: { tables: { customer_lookup: {} } },
      customer: {
        sharded: true,
        vindexes: {
          hash: { type: "hash" },
          email_lookup: {
            type: lookupType,
            params: { table: "commerce.customer_lookup", from: "email", to: "keyspace_id", ...params },
            owner: "customer",
          },
        },
        tables: { customer },
      },
    },
  };
}
