import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  AttachRolePolicyCommand, CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, DetachRolePolicyCommand,
  GetRoleCommand, GetRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand, ListRoleTagsCommand,
  ListRolesCommand, PutRolePolicyCommand, TagRoleCommand, UntagRoleCommand,
} from '@aws-sdk/client-iam';
import type { LocalCloud } from '../../src/local/server.js';
import { clientConfig, serviceErrorOf as errorOf, withLocalCloud } from '../support/local-cloud.js';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const INLINE = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/UserProfiles' }] });

let cloud: LocalCloud;
let iam: IAMClient;

beforeAll(async () => {
  cloud = await withLocalCloud();
  iam = new IAMClient(clientConfig(cloud));
});
afterAll(() => cloud.close());


describe('STS', () => {
  it('GetCallerIdentity answers the local account for any credentials', async () => {
    const id = await new STSClient(clientConfig(cloud)).send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe('000000000000');
    expect(id.Arn).toBe('arn:aws:iam::000000000000:root');
  });
});

describe('IAM roles', () => {
  it('creates, reads, lists, tags and deletes a role', async () => {
    const created = await iam.send(new CreateRoleCommand({ RoleName: 'LabRole', AssumeRolePolicyDocument: TRUST, Tags: [{ Key: 'xray-lab:run', Value: 'r1' }] }));
    expect(created.Role?.Arn).toBe('arn:aws:iam::000000000000:role/LabRole');
    expect(created.Role?.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    expect(decodeURIComponent(created.Role!.AssumeRolePolicyDocument!)).toBe(TRUST);

    const got = await iam.send(new GetRoleCommand({ RoleName: 'LabRole' }));
    expect(got.Role?.RoleName).toBe('LabRole');
    const listed = await iam.send(new ListRolesCommand({}));
    expect(listed.Roles?.map((r) => r.RoleName)).toContain('LabRole');

    await iam.send(new TagRoleCommand({ RoleName: 'LabRole', Tags: [{ Key: 'team', Value: 'obs' }] }));
    await iam.send(new UntagRoleCommand({ RoleName: 'LabRole', TagKeys: ['team'] }));
    const tags = await iam.send(new ListRoleTagsCommand({ RoleName: 'LabRole' }));
    expect(tags.Tags).toEqual([{ Key: 'xray-lab:run', Value: 'r1' }]);

    await iam.send(new DeleteRoleCommand({ RoleName: 'LabRole' }));
    expect(await errorOf(iam.send(new GetRoleCommand({ RoleName: 'LabRole' })))).toMatchObject({ name: 'NoSuchEntityException', status: 404, message: 'The role with name LabRole cannot be found.' });
  });

  it('refuses a duplicate role and a malformed trust policy', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'Dup', AssumeRolePolicyDocument: TRUST }));
    expect(await errorOf(iam.send(new CreateRoleCommand({ RoleName: 'Dup', AssumeRolePolicyDocument: TRUST })))).toMatchObject({ name: 'EntityAlreadyExistsException', status: 409 });
    expect(await errorOf(iam.send(new CreateRoleCommand({ RoleName: 'Bad', AssumeRolePolicyDocument: '{not json' })))).toMatchObject({ name: 'MalformedPolicyDocumentException', status: 400 });
    expect(await errorOf(iam.send(new CreateRoleCommand({ RoleName: 'bad name!', AssumeRolePolicyDocument: TRUST })))).toMatchObject({ status: 400 });
  });

  it('attaches managed policies, keeps inline ones, and refuses to delete a role that still has policies', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'WithPolicies', AssumeRolePolicyDocument: TRUST }));
    for (const arn of ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess', 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess']) {
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'WithPolicies', PolicyArn: arn }));
    }
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'WithPolicies' }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyName)).toEqual(['AWSLambdaBasicExecutionRole', 'AWSXRayDaemonWriteAccess', 'AmazonDynamoDBFullAccess']);
    expect(await errorOf(iam.send(new AttachRolePolicyCommand({ RoleName: 'WithPolicies', PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicy' })))).toMatchObject({ name: 'NoSuchEntityException', status: 404 });

    await iam.send(new PutRolePolicyCommand({ RoleName: 'WithPolicies', PolicyName: 'table-read', PolicyDocument: INLINE }));
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'WithPolicies' }))).PolicyNames).toEqual(['table-read']);
    const inline = await iam.send(new GetRolePolicyCommand({ RoleName: 'WithPolicies', PolicyName: 'table-read' }));
    expect(decodeURIComponent(inline.PolicyDocument!)).toBe(INLINE);
    expect(await errorOf(iam.send(new PutRolePolicyCommand({ RoleName: 'WithPolicies', PolicyName: 'p', PolicyDocument: '{"Statement":[{"Effect":"Allow"}]}' })))).toMatchObject({ name: 'MalformedPolicyDocumentException' });

    expect(await errorOf(iam.send(new DeleteRoleCommand({ RoleName: 'WithPolicies' })))).toMatchObject({ name: 'DeleteConflictException', status: 409 });

    for (const p of attached.AttachedPolicies!) await iam.send(new DetachRolePolicyCommand({ RoleName: 'WithPolicies', PolicyArn: p.PolicyArn }));
    expect(await errorOf(iam.send(new DeleteRoleCommand({ RoleName: 'WithPolicies' })))).toMatchObject({ name: 'DeleteConflictException' });
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'WithPolicies', PolicyName: 'table-read' }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'WithPolicies' }));
    expect(await errorOf(iam.send(new DetachRolePolicyCommand({ RoleName: 'WithPolicies', PolicyArn: 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess' })))).toMatchObject({ name: 'NoSuchEntityException' });
  });
});
