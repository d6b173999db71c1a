import { type Html, html } from './html.ts';

/** The page shell: one stylesheet, no scripts (helmet's CSP stays at its defaults). */
export function page(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · MIM4D model zoo</title>
<link rel="stylesheet" href="/static/zoo.css">
<link rel="icon" href="data:,">
</head>
<body>
<header class="site"><a class="brand" href="/">MIM4D model zoo</a>
<nav><a href="/">Models</a><a href="/benchmarks">Benchmarks</a><a href="/api/v1/openapi.json">API</a></nav></header>
<main>
${body}
</main>
</body>
</html>
`.text;
}
