import { ROUTES } from '../functions/routes';
import { openApiText } from './openapi/openapi-document';
import { samEventOf } from './sam-events';
import { eventFileOf } from './sam-invocation';

/** A committed file that is built from the route table, and the command that rebuilds it. */
export interface DerivedFile {
  /** Relative to the project root. */
  file: string;
  text: string;
  command: 'openapi' | 'events';
}

/**
 * Every committed file built from the route table: the OpenAPI document and each route's SAM event.
 * `npm run openapi` and `npm run events` write them; a unit test fails when one is stale.
 */
export function derivedFiles(): DerivedFile[] {
  return [
    { file: 'docs/openapi.json', text: openApiText(), command: 'openapi' },
    ...ROUTES.map(
      (route): DerivedFile => ({
        file: eventFileOf(route),
        text: `${JSON.stringify(samEventOf(route), null, 2)}\n`,
        command: 'events',
      }),
    ),
  ];
}
