/** The shape ts-proto generates for each method of a grpc-js service definition. */
export interface MethodDefinition<Req, Res> {
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  readonly requestSerialize: (value: Req) => Buffer;
  readonly requestDeserialize: (value: Buffer) => Req;
  readonly responseSerialize: (value: Res) => Buffer;
  readonly responseDeserialize: (value: Buffer) => Res;
}

// biome-ignore lint/suspicious/noExplicitAny: the variance of generated definitions needs an open bound here.
export type ServiceDefinition = { readonly [method: string]: MethodDefinition<any, any> };

export type RequestOf<M> = M extends { requestDeserialize: (value: Buffer) => infer Req } ? Req : never;
export type ResponseOf<M> = M extends { responseDeserialize: (value: Buffer) => infer Res } ? Res : never;

export interface CallContext {
  /** Aborted when the caller cancels or its deadline passes. */
  readonly signal: AbortSignal;
  /** The caller's deadline in ms since the epoch, when it set one. */
  readonly deadline: number | undefined;
  readonly peer: string;
  /**
   * A cheaper way to hear of a cancel than `signal`, offered by transports that build the signal only
   * when it is read (framerpc: an AbortController per call showed in vttablet's profiles): registers
   * `listener` to run once when the caller cancels and returns what unregisters it, or returns undefined
   * without registering when the call is cancelled already.
   */
  readonly onCancel?: (listener: () => void) => (() => void) | undefined;
}

/** Promise-returning handlers; server-streaming methods return an async iterable of responses. */
export type ServiceHandlers<D extends ServiceDefinition> = {
  [K in keyof D]: D[K]["responseStream"] extends true
    ? (request: RequestOf<D[K]>, context: CallContext) => AsyncIterable<ResponseOf<D[K]>>
    : (request: RequestOf<D[K]>, context: CallContext) => Promise<ResponseOf<D[K]>>;
};

export interface ClientCallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type ServiceClient<D extends ServiceDefinition> = {
  [K in keyof D]: D[K]["responseStream"] extends true
    ? (request: RequestOf<D[K]>, options?: ClientCallOptions) => AsyncIterable<ResponseOf<D[K]>>
    : (request: RequestOf<D[K]>, options?: ClientCallOptions) => Promise<ResponseOf<D[K]>>;
};
