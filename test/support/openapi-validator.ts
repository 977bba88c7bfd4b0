import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  NOT_FOUND_RESPONSE,
  type OpenApiDocument,
  openApiDocument,
} from '../../scripts/openapi/openapi-document';

/** An answer as a client received it. Header names in any case. */
export interface ObservedAnswer {
  status: number;
  headers: Headers | Record<string, string | undefined>;
  /** The body's text as received. */
  body: string;
}

interface HeaderSpec {
  required?: boolean;
  schema?: unknown;
}

interface ResponseSpec {
  content?: Record<string, { schema?: unknown }>;
  headers?: Record<string, HeaderSpec>;
}

interface OperationSpec {
  operationId?: string;
  responses?: Record<string, ResponseSpec>;
}

const DOCUMENT_ID = 'openapi.json';
const JSON_MEDIA_TYPE = 'application/json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** A JSON pointer's escaping of one reference token. */
const token = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

const headerOf = (headers: ObservedAnswer['headers'], name: string): string | undefined => {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return found?.[1];
};

/**
 * Checks answers against the OpenAPI document, with a JSON Schema 2020-12 validator (the dialect of
 * OpenAPI 3.1): the request's operation must document the status, the answer must be JSON, its body
 * must match the documented schema, and the documented required headers must be there and match
 * theirs. A request no operation has must be answered as the document's unknown-route 404.
 */
export class OpenApiValidator {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: false });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly operations: {
    method: string;
    pattern: RegExp;
    pointer: string;
    operation: OperationSpec;
  }[] = [];

  constructor(private readonly document: OpenApiDocument = openApiDocument()) {
    addFormats(this.ajv);
    this.ajv.addSchema(document as object, DOCUMENT_ID);
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const method of METHODS) {
        const operation = (item as Record<string, OperationSpec | undefined>)[method];
        if (!operation) continue;
        const pattern = new RegExp(
          `^${path
            .split('/')
            .map((segment) =>
              /^\{.+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&'),
            )
            .join('/')}/?$`,
        );
        this.operations.push({
          method: method.toUpperCase(),
          pattern,
          pointer: `#/paths/${token(path)}/${method}`,
          operation,
        });
      }
    }
  }

  /** What is wrong with the answer to `method` `url` (a path, or a whole URL); empty when documented. */
  violations(method: string, url: string, answer: ObservedAnswer): string[] {
    const path = new URL(url, 'http://local').pathname;
    const found = this.operations.find(
      (candidate) => candidate.method === method.toUpperCase() && candidate.pattern.test(path),
    );
    if (!found) {
      const where = `#/components/responses/${NOT_FOUND_RESPONSE}`;
      if (answer.status !== 404) return [`${method} ${path} is no operation, yet answered ${answer.status}`];
      return this.responseViolations(`${method} ${path} (no operation)`, where, answer);
    }
    return this.operationViolations(found, answer);
  }

  /** The same, for an answer of the operation whose id is given (a function called with an event). */
  violationsOf(operationId: string, answer: ObservedAnswer): string[] {
    const found = this.operations.find((candidate) => candidate.operation.operationId === operationId);
    if (!found) return [`the document has no operation ${operationId}`];
    return this.operationViolations(found, answer);
  }

  /** Throws, naming every violation, unless the answer is documented. */
  assertDocumented(method: string, url: string, answer: ObservedAnswer): void {
    const problems = this.violations(method, url, answer);
    if (problems.length > 0)
      throw new Error(`An answer the OpenAPI document does not describe:\n${problems.join('\n')}`);
  }

  private operationViolations(
    found: { method: string; pointer: string; operation: OperationSpec },
    answer: ObservedAnswer,
  ): string[] {
    const name = found.operation.operationId ?? found.pointer;
    if (!found.operation.responses?.[String(answer.status)])
      return [
        `${name} answered ${answer.status}, a status it does not document (${Object.keys(found.operation.responses ?? {}).join(', ')})`,
      ];
    return this.responseViolations(name, `${found.pointer}/responses/${answer.status}`, answer);
  }

  private responseViolations(name: string, pointer: string, answer: ObservedAnswer): string[] {
    const spec = this.resolve(pointer) as ResponseSpec;
    const problems: string[] = [];
    for (const [header, { required, schema }] of Object.entries(spec.headers ?? {})) {
      const value = headerOf(answer.headers, header);
      if (value === undefined) {
        if (required) problems.push(`${name} ${answer.status}: no ${header} header`);
        continue;
      }
      if (schema && !this.validator(`${pointer}/headers/${token(header)}/schema`)(value))
        problems.push(
          `${name} ${answer.status}: ${header} ${JSON.stringify(value)} does not match its schema`,
        );
    }
    if (!spec.content) return problems;
    const contentType = headerOf(answer.headers, 'content-type') ?? '';
    if (!contentType.startsWith(JSON_MEDIA_TYPE) || !spec.content[JSON_MEDIA_TYPE]) {
      problems.push(
        `${name} ${answer.status}: content type ${JSON.stringify(contentType)} is not documented`,
      );
      return problems;
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      problems.push(`${name} ${answer.status}: the body is not JSON: ${answer.body.slice(0, 200)}`);
      return problems;
    }
    const validate = this.validator(`${pointer}/content/${token(JSON_MEDIA_TYPE)}/schema`);
    if (!validate(body))
      problems.push(
        `${name} ${answer.status}: the body does not match its schema: ${this.ajv.errorsText(validate.errors)}; body ${answer.body.slice(0, 300)}`,
      );
    return problems;
  }

  /** The compiled validator of the schema at `pointer` in the document, compiled once. */
  private validator(pointer: string): ValidateFunction {
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.getSchema(`${DOCUMENT_ID}${pointer}`);
      if (!validate) throw new Error(`no schema at ${pointer}`);
      this.validators.set(pointer, validate);
    }
    return validate;
  }

  /** The value at a JSON pointer (`#/a/b`) of the document, references followed. */
  private resolve(pointer: string): unknown {
    let value: unknown = this.document;
    for (const segment of pointer.replace(/^#\//, '').split('/')) {
      const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
      value = (value as Record<string, unknown>)[key];
      const ref = (value as { $ref?: unknown } | undefined)?.$ref;
      if (typeof ref === 'string') value = this.resolve(ref);
    }
    return value;
  }
}

let shared: OpenApiValidator | undefined;

/** One validator per process, built from the route table's document. */
export const openApiValidator = (): OpenApiValidator => {
  shared ??= new OpenApiValidator();
  return shared;
};
