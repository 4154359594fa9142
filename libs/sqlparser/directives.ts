/**
 * Vitess query directives: `/*vt+ QUERY_TIMEOUT_MS=100 SCATTER_ERRORS_AS_WARNINGS PLANNER=gen4 *\/` written
 * after a statement's verb. Keys are upper-cased; a key without `=` has the value "true"; values may be
 * quoted ('x' or "x"). Other comments are ignored.
 */
export function parseDirectives(comments: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of comments) {
    if (!c.startsWith("/*vt+") || !c.endsWith("*/")) continue;
    const body = c.slice(5, -2);
    const re = /([A-Za-z_][A-Za-z0-9_]*)(?:=('[^']*'|"[^"]*"|[^\s'"]*))?/g;
    for (const m of body.matchAll(re)) {
      const key = (m[1] as string).toUpperCase();
      let value = m[2] ?? "true";
      if ((value.startsWith("'") && value.endsWith("'")) || (value.startsWith('"') && value.endsWith('"'))) {
        value = value.slice(1, -1);
      }
      out.set(key, value);
    }
  }
  return out;
}

/** A directive read as a boolean: present without value, or `true`/`1`/`on`. */
export function directiveIsSet(directives: ReadonlyMap<string, string>, key: string): boolean {
  const v = directives.get(key.toUpperCase());
  return v !== undefined && ["true", "1", "on"].includes(v.toLowerCase());
}
