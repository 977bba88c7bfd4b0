/** Escapes text for HTML element content and attribute values. */
export const escapeHtml = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small, readable page shell shared by the local stack's pages. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1f2933; }
  h1 { font-size: 1.5rem; } code, .mono { font-family: ui-monospace, monospace; word-break: break-all; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; }
  dt { font-weight: 600; } table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #d9e2ec; }
  button { font-size: 1rem; padding: .6rem 1.2rem; border-radius: .4rem; border: 0; background: #2f6fde; color: #fff; cursor: pointer; }
  .status { display: inline-block; padding: .1rem .6rem; border-radius: 1rem; background: #e4e7eb; }
  .status-authorized { background: #c6f7e2; } .status-failed { background: #ffe3e3; }
  .note { color: #52606d; font-size: .9rem; }
</style>
</head>
<body>
${body}
</body>
</html>`;
}
