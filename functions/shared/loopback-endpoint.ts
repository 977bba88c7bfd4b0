/**
 * A service emulated on this machine (dynalite, DynamoDB Local, the local stack's event bus) accepts
 * any region and credentials; supplying them spares a developer from exporting fake AWS settings.
 * Real AWS settings, when present, still win.
 */
export function loopbackEndpointDefaults(endpoint: string | undefined, env: NodeJS.ProcessEnv) {
  if (!endpoint || !/^http:\/\/(127\.\d+\.\d+\.\d+|localhost)(:\d+)?\/?$/.test(endpoint)) return {};
  return {
    endpoint,
    ...(env.AWS_REGION || env.AWS_DEFAULT_REGION ? {} : { region: 'local' }),
    ...(env.AWS_ACCESS_KEY_ID ? {} : { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  };
}
