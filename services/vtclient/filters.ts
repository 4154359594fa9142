import { Filter } from "../../libs/proto/binlogdata.js";

/** A rule per --filter: "/re/" and table names as the match, a select as the filter of its table. */
export function filterOf(rules: readonly string[]): Filter {
  if (rules.length === 0) return Filter.fromPartial({ rules: [{ match: "/.*/", filter: "" }] });
  return Filter.fromPartial({
    rules: rules.map((rule) => {
      const select = /^\s*select\b[\s\S]*?\bfrom\s+`?([A-Za-z0-9_$]+)`?/i.exec(rule);
      if (select !== null) return { match: select[1], filter: rule };
      return { match: rule, filter: "" };
    }),
  });
}
