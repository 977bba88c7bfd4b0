import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IntentsStack } from '../lib/intents-stack';
import { quartzSettingsFromContext } from '../lib/quartz-settings';

const app = new App();

// Without a `quartz` context the stack uses placeholder settings (lib/quartz-settings.ts) so that
// synth works offline; a deployment passes its own.
new IntentsStack(app, 'BankAccountConnectionIntents', {
  quartz: quartzSettingsFromContext(app.node.tryGetContext('quartz')),
  samLocal: ['true', true].includes(app.node.tryGetContext('samLocal')),
});

// Synth fails on any AwsSolutions finding that is not acknowledged with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
