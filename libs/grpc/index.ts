export { createGrpcClient, type GrpcClientHandle } from "./client.js";
export { GrpcServer } from "./server.js";
export type {
  CallContext,
  ClientCallOptions,
  MethodDefinition,
  RequestOf,
  ResponseOf,
  ServiceClient,
  ServiceDefinition,
  ServiceHandlers,
} from "./service-types.js";
export { fromGrpcError, toGrpcStatus } from "./status.js";
