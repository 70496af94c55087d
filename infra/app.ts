// `cdk synth` / `cdk deploy` start here (cdk.json: `npx tsx infra/app.ts`): one stack per stage,
// checked by cdk-nag's AwsSolutions and Serverless packs; every finding is fixed or acknowledged
// with its reason next to the resource, so a new finding fails the synthesis.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { StagecraftStack, settingsFromContext } from './stack.ts';

const app = new App();
const settings = settingsFromContext(app);
new StagecraftStack(app, `stagecraft-${settings.stage}`, {
  settings,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
app.synth();
