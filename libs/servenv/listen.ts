/** Where to listen: an explicit --bind-address, else every interface (IPv6 dual-stack, then IPv4 only). */
export function bindHosts(address: string): { http: string[]; grpc: string[] } {
  if (address === "") return { http: ["::", "0.0.0.0"], grpc: ["[::]", "0.0.0.0"] };
  const grpc = address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
  return { http: [address], grpc: [grpc] };
}

/** Listens on the first host that works (a machine without IPv6 refuses "::"); throws the last failure. */
export async function listenOnFirst(
  hosts: readonly string[],
  listen: (host: string) => Promise<number>,
): Promise<number> {
  let lastError: unknown;
  for (const host of hosts) {
    try {
      return await listen(host);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
