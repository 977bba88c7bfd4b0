import { ROUTES, type Route } from '../functions/routes';
import { SAM_ENV_FILE } from '../local/sam-env';

export const STACK_NAME = 'BankAccountConnectionIntents';
export const SAM_TEMPLATE = `cdk.out/${STACK_NAME}.template.json`;

/** `CreateIntent` → `events/create-intent.json`. */
export const eventFileOf = (route: Route): string =>
  `events/${route.id.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}.json`;

export const functionIdOf = (route: Route): string => `${route.id}Function`;

/** What `npm run sam:invoke -- <create|authorize>` runs, derived from the route table. */
export function samInvocation(handlerDir: string): { route: Route; command: string; args: string[] } {
  const route = ROUTES.find((candidate) => candidate.handlerDir === handlerDir);
  if (!route) {
    throw new Error(
      `Unknown function "${handlerDir}": use one of ${ROUTES.map((r) => r.handlerDir).join(', ')}`,
    );
  }
  return {
    route,
    command: 'sam',
    args: [
      'local',
      'invoke',
      '-t',
      SAM_TEMPLATE,
      functionIdOf(route),
      '-e',
      eventFileOf(route),
      '--env-vars',
      SAM_ENV_FILE,
      // The local stack listens on this machine's loopback; the function's container shares it.
      '--docker-network',
      'host',
    ],
  };
}
