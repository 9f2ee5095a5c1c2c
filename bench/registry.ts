/** Benchmark names → lazy modules (so running one never loads the others' dependencies). */
import type { Benchmark } from './lib/result.js';

export const BENCHMARKS: Record<string, () => Promise<Benchmark>> = {
  'cli-startup': async () => (await import('./cli-startup.js')).cliStartup,
  'load-honesty': async () => (await import('./load-honesty.js')).loadHonesty,
  lambda: async () => (await import('./lambda.js')).lambdaBench,
  'lambda-scale': async () => (await import('./lambda-scale.js')).lambdaScale,
  'request-path': async () => (await import('./request-path.js')).requestPath,
  'xray-store': async () => (await import('./xray-store.js')).xrayStore,
  'xray-scale': async () => (await import('./xray-scale.js')).xrayScale,
  'xray-million': async () => (await import('./xray-million.js')).xrayMillion,
  'lab-e2e': async () => (await import('./lab-e2e.js')).labE2e,
  otlp: async () => (await import('./otlp.js')).otlpBench,
  otel: async () => (await import('./otel.js')).otelBench,
  console: async () => (await import('./console.js')).consoleBench,
};
