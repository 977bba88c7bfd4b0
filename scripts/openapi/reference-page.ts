import type { OpenApiDocument } from './openapi-document';

/**
 * A readable, self-contained HTML reference of the API, rendered from its OpenAPI document: no
 * script, no stylesheet or font from elsewhere. Each operation with its parameters, body and every
 * answer (status, headers, the body's fields and the codes `message` may hold).
 */

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  description?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  example?: unknown;
};

interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Response {
  description?: string;
  headers?: Record<string, { required?: boolean; description?: string; schema?: Schema }>;
  content?: Record<string, { schema?: Schema }>;
  $ref?: string;
}

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema; example?: unknown }> };
  responses?: Record<string, Response>;
  'x-rate-limit-budget'?: string;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const escapeHtml = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One line of Markdown: `code` only. */
const inline = (line: string): string => escapeHtml(line).replace(/`([^`]+)`/g, '<code>$1</code>');

/** The little Markdown the descriptions use: paragraphs, `- ` lists and `code`. */
export function markdown(text: string | undefined): string {
  if (!text) return '';
  return text
    .split(/\n{2,}/)
    .map((block) => {
      const lines = block.split('\n');
      if (lines.every((line) => line.startsWith('- ')))
        return `<ul>${lines.map((line) => `<li>${inline(line.slice(2))}</li>`).join('')}</ul>`;
      return `<p>${lines.map(inline).join(' ')}</p>`;
    })
    .join('\n');
}

class Renderer {
  constructor(private readonly document: OpenApiDocument) {}

  private resolve<T>(value: T & { $ref?: string }): T {
    if (!value.$ref) return value;
    let found: unknown = this.document;
    for (const key of value.$ref.replace(/^#\//, '').split('/'))
      found = (found as Record<string, unknown>)[key];
    return this.resolve(found as T & { $ref?: string });
  }

  private refName = (schema: Schema): string | undefined => schema.$ref?.split('/').pop();

  /** A short name for the type of a value, with its constraints. */
  private typeOf(raw: Schema): string {
    const schema = this.resolve(raw);
    const name = this.refName(raw);
    const base =
      schema.const !== undefined
        ? `<code>${escapeHtml(JSON.stringify(schema.const))}</code>`
        : schema.enum
          ? `one of ${schema.enum.map((value) => `<code>${escapeHtml(value)}</code>`).join(', ')}`
          : schema.type === 'array'
            ? `array of ${schema.items ? this.typeOf(schema.items) : 'anything'}`
            : schema.anyOf
              ? schema.anyOf.map((option) => this.typeOf(option)).join(' or ')
              : escapeHtml(Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any'));
    const constraints = [
      schema.format ? `format ${schema.format}` : '',
      schema.minLength !== undefined ? `at least ${schema.minLength} characters` : '',
      schema.maxLength !== undefined ? `at most ${schema.maxLength} characters` : '',
      schema.maxItems !== undefined ? `at most ${schema.maxItems} items` : '',
      schema.pattern && schema.pattern.length <= 40
        ? `pattern <code>${escapeHtml(schema.pattern)}</code>`
        : '',
    ].filter(Boolean);
    return `${name ? `<span class="ref">${escapeHtml(name)}</span> ` : ''}${base}${constraints.length ? ` <span class="note">(${constraints.join('; ')})</span>` : ''}`;
  }

  /** The fields of an object schema (and of the objects within), one row each. */
  private fieldRows(raw: Schema, prefix = ''): string[] {
    const schema = this.resolve(raw);
    const object = schema.type === 'array' && schema.items ? this.resolve(schema.items) : schema;
    const itemPrefix = schema.type === 'array' ? `${prefix}[]` : prefix;
    if (!object.properties) return [];
    return Object.entries(object.properties).flatMap(([name, field]) => {
      const path = itemPrefix ? `${itemPrefix}.${name}` : name;
      const required = object.required?.includes(name) ? 'required' : 'optional';
      const resolved = this.resolve(field);
      return [
        `<tr><td><code>${escapeHtml(path)}</code></td><td>${this.typeOf(field)}</td><td>${required}</td><td>${markdown(resolved.description)}</td></tr>`,
        ...this.fieldRows(field, path),
      ];
    });
  }

  schema(raw: Schema | undefined): string {
    if (!raw) return '';
    const schema = this.resolve(raw);
    const rows = this.fieldRows(raw);
    const closed = schema.additionalProperties === false ? ' No other field is allowed.' : '';
    return `<p class="type">${this.typeOf(raw)}.${closed}</p>${
      rows.length
        ? `<table><thead><tr><th>field</th><th>type</th><th></th><th>meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
        : ''
    }`;
  }

  private parameters(operation: Operation): string {
    if (!operation.parameters?.length) return '';
    const rows = operation.parameters.map(
      (parameter) =>
        `<tr><td><code>${escapeHtml(parameter.name)}</code></td><td>${escapeHtml(parameter.in)}</td><td>${parameter.required ? 'required' : 'optional'}</td><td>${parameter.schema ? this.typeOf(parameter.schema) : ''}</td><td>${markdown(parameter.description ?? parameter.schema?.description)}</td></tr>`,
    );
    return `<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th></th><th>type</th><th>meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  }

  private requestBody(operation: Operation): string {
    const json = operation.requestBody?.content?.['application/json'];
    if (!json) return '<h4>Request body</h4><p>None: a body is refused (400).</p>';
    const example =
      json.example !== undefined
        ? `<p>Example:</p><pre>${escapeHtml(JSON.stringify(json.example, null, 2))}</pre>`
        : '';
    return `<h4>Request body <span class="note">application/json, required</span></h4>${this.schema(json.schema)}${example}`;
  }

  private answers(operation: Operation): string {
    return Object.entries(operation.responses ?? {})
      .map(([status, raw]) => {
        const response = this.resolve(raw);
        const headers = Object.entries(response.headers ?? {})
          .map(
            ([name, header]) =>
              `<li><code>${escapeHtml(name)}</code>${header.required ? '' : ' (optional)'}: ${inline(header.description ?? '')}</li>`,
          )
          .join('');
        return `<div class="answer" id="${escapeHtml(`${operation.operationId}-${status}`)}"><h5><span class="status s${escapeHtml(status.charAt(0))}">${escapeHtml(status)}</span></h5>${markdown(response.description)}${
          headers ? `<p>Headers:</p><ul>${headers}</ul>` : ''
        }${this.schema(response.content?.['application/json']?.schema)}</div>`;
      })
      .join('\n');
  }

  operation(method: string, path: string, operation: Operation): string {
    const budget = operation['x-rate-limit-budget'];
    return `<section class="operation" id="${escapeHtml(operation.operationId)}">
<h3><span class="method m-${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p class="summary">${escapeHtml(operation.summary)} <span class="note">operationId <code>${escapeHtml(operation.operationId)}</code>${budget ? `, rate-limit budget <code>${escapeHtml(budget)}</code>` : ''}</span></p>
${markdown(operation.description)}
${this.parameters(operation)}
${this.requestBody(operation)}
<h4>Answers</h4>
${this.answers(operation)}
</section>`;
  }
}

const STYLE = `
  body { font-family: system-ui, sans-serif; max-width: 64rem; margin: 2rem auto; padding: 0 1rem; color: #1f2933; line-height: 1.45; }
  code, pre { font-family: ui-monospace, monospace; font-size: .9em; } pre { background: #f5f7fa; padding: .6rem; overflow-x: auto; }
  table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .92rem; }
  th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #d9e2ec; } td p { margin: 0; }
  .operation { border-top: 2px solid #bcccdc; margin-top: 2rem; padding-top: .5rem; }
  .method { display: inline-block; min-width: 3.5rem; text-align: center; border-radius: .3rem; color: #fff; padding: .1rem .4rem; font-size: .9rem; }
  .m-get { background: #2f6fde; } .m-post { background: #199473; } .m-put, .m-patch { background: #cb6e17; } .m-delete { background: #cf1124; }
  .status { display: inline-block; border-radius: 1rem; padding: .05rem .6rem; background: #e4e7eb; }
  .s2 { background: #c6f7e2; } .s4 { background: #fff3c4; } .s5 { background: #ffe3e3; }
  .answer { margin-left: 1rem; } .note { color: #52606d; font-size: .9rem; } .ref { color: #52606d; font-style: italic; }
  nav ul { columns: 2; }
`;

/** The reference page of the whole document. */
export function referencePage(document: OpenApiDocument): string {
  const renderer = new Renderer(document);
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = (item as Record<string, Operation | undefined>)[method];
      return operation ? [{ method, path, operation }] : [];
    }),
  );
  const schemes = Object.values(document.components?.securitySchemes ?? {}) as {
    name?: string;
    in?: string;
    description?: string;
  }[];
  const notFound = Object.entries(document.components?.responses ?? {}) as [string, Response][];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)}: reference</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(document.info.title)} <span class="note">${escapeHtml(document.info.version)}, OpenAPI ${escapeHtml(document.openapi)}</span></h1>
<p class="note">Rendered from <a href="openapi.json">openapi.json</a>, which is built from the route table.</p>
${markdown(document.info.description)}
<h2>Authentication</h2>
${schemes.map((scheme) => `<p>Header <code>${escapeHtml(scheme.name)}</code> (${escapeHtml(scheme.in)}). ${markdown(scheme.description)}</p>`).join('')}
<h2>Operations</h2>
<nav><ul>${operations
    .map(
      ({ method, path, operation }) =>
        `<li><a href="#${escapeHtml(operation.operationId)}">${method.toUpperCase()} ${escapeHtml(path)}</a>: ${escapeHtml(operation.summary)}</li>`,
    )
    .join('')}</ul></nav>
${operations.map(({ method, path, operation }) => renderer.operation(method, path, operation)).join('\n')}
<section class="operation" id="unknown-route">
<h3>Any other path or method</h3>
${notFound.map(([, response]) => `<div class="answer"><h5><span class="status s4">404</span></h5>${markdown(response.description)}${renderer.schema(response.content?.['application/json']?.schema)}</div>`).join('')}
</section>
</body>
</html>
`;
}
