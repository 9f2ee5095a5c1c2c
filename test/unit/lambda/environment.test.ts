import { describe, expect, it } from 'vitest';
import { buildEnvironment, declaredNodeMajor } from '../../../src/local/lambda/environment.js';
import type { FunctionSpec } from '../../../src/local/lambda/types.js';
import { ids } from './helpers.js';

const facts = {
  region: 'us-east-1', endpoint: 'http://127.0.0.1:4566', daemonAddress: '127.0.0.1:2000', runtimeApi: '127.0.0.1:9001',
  logGroup: '/aws/lambda/f', logStream: '2026/11/27/[$LATEST]0', runtimeDir: '/rt',
};
const spec = (runtime: string) => ({ name: 'f', handler: 'index.handler', runtime, codeDir: '/code', env: {}, memoryMb: 128 }) as unknown as FunctionSpec;
const WARNING_OFF = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

describe('the SDK v3 Node-version warning in a function', () => {
  it('is switched off when the function declares a newer Node than the machine runs', () => {
    expect(buildEnvironment(spec('nodejs22.x'), facts, ids, {}, 20)[WARNING_OFF]).toBe('true');
    expect(buildEnvironment(spec('nodejs24.x'), facts, ids, {}, 22)[WARNING_OFF]).toBe('true');
  });

  it('stays on when the function itself declares that old a runtime, or the machine is as new', () => {
    expect(buildEnvironment(spec('nodejs20.x'), facts, ids, {}, 20)[WARNING_OFF]).toBeUndefined();
    expect(buildEnvironment(spec('nodejs22.x'), facts, ids, {}, 22)[WARNING_OFF]).toBeUndefined();
    expect(buildEnvironment(spec('python3.13'), facts, ids, {}, 20)[WARNING_OFF]).toBeUndefined();
  });

  it('reads the Node major a runtime names', () => {
    expect(declaredNodeMajor('nodejs22.x')).toBe(22);
    expect(declaredNodeMajor('nodejs4.3-edge')).toBe(4);
    expect(declaredNodeMajor('provided.al2023')).toBeUndefined();
  });
});
