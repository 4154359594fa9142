/**
 * framerpc: a lean transport for the unary QueryService calls between vtgate and vttablet.
 *
 * Decision (deviation from ARCHITECTURE.md, where every RPC is gRPC): `make bench-vtgate` showed the
 * gRPC hop dominating a point select through vtgate (grpc-js builds an HTTP/2 stream, HPACK headers,
 * interceptor and channelz bookkeeping and several socket writes for every unary call; its CPU per call
 * on each side is several times what the whole MySQL protocol round trip costs). framerpc carries the
 * same generated protobuf request/response messages as length-prefixed frames over one multiplexed TCP
 * connection per tablet (frames.ts), with the same error contract (VtError code, message, errno,
 * SQLSTATE), deadlines and cancellation. It is the default for those calls: vttablet serves it on a free
 * port (`--frame-port -1`, the default; a fixed port with `--frame-port N`, off with `--frame-port 0`) and
 * publishes the port in the tablet record's port map as "frame"; vtgate uses it (`--tablet-transport frame`,
 * the default) where a tablet publishes that port and gRPC otherwise. gRPC stays the contract and remains
 * selectable with `--tablet-transport grpc`; streaming calls (StreamHealth, StreamExecute, VStream) and every
 * other service always use gRPC.
 */
export { createFrameClient, type FrameClientHandle, neverSent } from "./client.js";
export { FrameKind, MAX_FRAME_BYTES } from "./frames.js";
export { FrameServer } from "./server.js";
