import { Annotations, App } from 'aws-cdk-lib';
import { intentLifetimeFromContext } from '../lib/intent-expiry';
import { IntentsStack } from '../lib/intents-stack';
import { addPolicyChecks } from '../lib/policy-checks';
import { quartzSettingsFromContext } from '../lib/quartz-settings';

const app = new App();

// Without a `quartz` context the stack uses placeholder settings (lib/quartz-settings.ts) so that
// synth works offline; a deployment passes its own.
const quartzContext = app.node.tryGetContext('quartz');
const stack = new IntentsStack(app, 'BankAccountConnectionIntents', {
  quartz: quartzSettingsFromContext(quartzContext),
  samLocal: ['true', true].includes(app.node.tryGetContext('samLocal')),
  intentLifetimeSeconds: intentLifetimeFromContext(app.node.tryGetContext('intentLifetimeSeconds')),
});

if (quartzContext === undefined) {
  // Fine for an offline synth; a deployment with these settings would talk to no real provider.
  Annotations.of(stack).addWarningV2(
    'intents:quartz-placeholders',
    'No "quartz" context: the functions get placeholder Quartz settings. Put the real ones in cdk.context.json before deploying.',
  );
}

// Synth fails on any cdk-nag or Control Tower (cfn-guard) finding not acknowledged with a reason.
addPolicyChecks(app);
