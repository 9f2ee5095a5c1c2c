/** The OTLP spec's default ports ("OTLP/HTTP Default Port", "OTLP/gRPC Default Port"), kept apart from the receivers so reading them loads neither (grpc-js costs ~0.1 s to load). */
export const DEFAULT_OTLP_PORT = 4318;
export const DEFAULT_OTLP_GRPC_PORT = 4317;
