/** Shared arrangements of the Lambda tests: tiny handler zips, hostile zips, an assumable role. */
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { createDeterministicZip } from '../../src/lab/packaging/zip.js';
import { TEST_CREDENTIALS } from '../support/local-cloud.js';

export const credentials = TEST_CREDENTIALS;

export const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** Echoes what the lab's function would route on, logs a line, and fails on demand. */
export const ECHO_HANDLER = `
exports.handler = async (event, context) => {
  console.log('handling ' + event.path);
  if (event.fail) throw new Error('asked to fail');
  return { statusCode: 200, body: JSON.stringify({ path: event.path, method: event.httpMethod, fn: context.functionName, greeting: process.env.GREETING }) };
};`;

export function handlerZip(source = ECHO_HANDLER, name = 'index.js'): Promise<Buffer> {
  return createDeterministicZip([{ name, data: Buffer.from(source) }]);
}

/** archiver sanitises hostile names, so the entry is written under a same-length placeholder, then patched. */
export async function zipWithRawName(rawName: string): Promise<Buffer> {
  const placeholder = 'Q'.repeat(rawName.length);
  const zip = await createDeterministicZip([
    { name: 'index.js', data: Buffer.from(ECHO_HANDLER) },
    { name: placeholder, data: Buffer.from('pwned') },
  ]);
  return Buffer.from(zip.toString('latin1').split(placeholder).join(rawName), 'latin1');
}

export async function createRole(endpoint: string, name = 'XRayLambdaRole'): Promise<string> {
  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials });
  try {
    const res = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }));
    return res.Role!.Arn!;
  } finally {
    iam.destroy();
  }
}
