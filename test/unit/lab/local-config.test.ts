import { describe, expect, it } from 'vitest';
import { resolveLocalConfig } from '../../../src/lab/config.js';

describe('the local cloud\'s OTLP receiver port', () => {
  it('defaults to 4318, or any free port when the API port is 0', () => {
    expect(resolveLocalConfig({}).otlpPort).toBe(4318);
    expect(resolveLocalConfig({}, '0').otlpPort).toBe(0);
  });

  it('takes --otlp-port over XRAY_LAB_OTLP_PORT, and "off" turns the receiver off', () => {
    expect(resolveLocalConfig({ XRAY_LAB_OTLP_PORT: '5318' }).otlpPort).toBe(5318);
    expect(resolveLocalConfig({ XRAY_LAB_OTLP_PORT: '5318' }, undefined, undefined, 'off').otlpPort).toBe(false);
  });

  it('names the flag in the error for a bad value', () => {
    expect(() => resolveLocalConfig({}, undefined, undefined, 'x')).toThrow('--otlp-port must be a port number from 0 to 65535, got "x".');
  });
});

describe('the local cloud\'s OTLP/gRPC receiver port', () => {
  it('defaults to 4317, or any free port when the API port is 0', () => {
    expect(resolveLocalConfig({}).otlpGrpcPort).toBe(4317);
    expect(resolveLocalConfig({}, '0').otlpGrpcPort).toBe(0);
  });

  it('takes --otlp-grpc-port over XRAY_LAB_OTLP_GRPC_PORT, "off" turns it off, and the HTTP receiver is not affected', () => {
    expect(resolveLocalConfig({ XRAY_LAB_OTLP_GRPC_PORT: '5317' }).otlpGrpcPort).toBe(5317);
    const off = resolveLocalConfig({ XRAY_LAB_OTLP_GRPC_PORT: '5317' }, undefined, undefined, undefined, 'OFF');
    expect(off.otlpGrpcPort).toBe(false);
    expect(off.otlpPort).toBe(4318);
  });

  it('names the flag or the variable in the error for a bad value', () => {
    expect(() => resolveLocalConfig({}, undefined, undefined, undefined, '70000')).toThrow('--otlp-grpc-port must be a port number from 0 to 65535, got "70000".');
    expect(() => resolveLocalConfig({ XRAY_LAB_OTLP_GRPC_PORT: 'grpc' })).toThrow('XRAY_LAB_OTLP_GRPC_PORT must be a port number from 0 to 65535, got "grpc".');
  });
});
