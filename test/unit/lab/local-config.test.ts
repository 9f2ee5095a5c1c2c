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
