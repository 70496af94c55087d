// Builds the stack the way infra/app.ts does (cdk.json's context, feature flags included),
// with context overrides, and reads its template resource by resource.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement, CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { projectRoot } from '#infra/constructs/functions.ts';
import { StagecraftStack, settingsFromContext } from '#infra/stack.ts';

export const cdkJsonContext = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')).context as Record<string, unknown>;

export interface TemplateResource {
  Type: string;
  Properties: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export function buildStagecraft(context: Record<string, unknown> = {}) {
  const app = new App({ context: { ...cdkJsonContext, ...context } });
  const stack = new StagecraftStack(app, 'stagecraft-test', { settings: settingsFromContext(app) });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, TemplateResource>;

  /** The CloudFormation resource behind a construct (its default child for an L2). */
  const cfnOf = (construct: IConstruct): CfnResource => {
    const child = construct instanceof CfnResource ? construct : construct.node.defaultChild;
    if (!(child instanceof CfnResource)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
    return child;
  };
  const logicalId = (construct: IConstruct) => stack.getLogicalId(cfnOf(construct) as CfnElement);
  const resourceOf = (construct: IConstruct): TemplateResource => {
    const resource = resources[logicalId(construct)];
    if (!resource) throw new Error(`${construct.node.path} is not in the template`);
    return resource;
  };
  const ref = (construct: IConstruct) => ({ Ref: logicalId(construct) });
  const arnOf = (construct: IConstruct, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId(construct), attribute] });
  /** Every resource of a type whose construct path lies under `scope`. */
  const cfnUnder = <T extends CfnResource>(scope: IConstruct, type: new (...args: any[]) => T): T[] =>
    scope.node.findAll().filter((child): child is T => child instanceof type);

  return { app, stack, template, resources, resourceOf, logicalId, ref, arnOf, cfnUnder };
}

export type StagecraftBuild = ReturnType<typeof buildStagecraft>;
