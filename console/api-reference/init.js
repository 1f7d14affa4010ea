// The API reference page's one script of its own: Scalar renders the OpenAPI document this
// origin serves. A file, not an inline script, because the page's Content-Security-Policy
// (the console's) runs scripts from this origin only. It runs before the renderer's script
// and starts the renderer once the page is parsed.

// The renderer validates with zod, which first tries whether it may compile code at run
// time (`Function('')`); the policy forbids that ('unsafe-eval' is not allowed), and the
// try is reported as a violation. `jitless` is zod's own setting for such pages (what
// `z.config({ jitless: true })` sets, kept on this global so every copy of zod reads it).
globalThis.__zod_globalConfig = { ...globalThis.__zod_globalConfig, jitless: true };

globalThis.addEventListener('DOMContentLoaded', () => {
  // Not `#api-reference`: the renderer mounts itself, with its defaults, on an element of that id.
  globalThis.Scalar.createApiReference('#reference', {
    url: '/api/v1/openapi.json',
    // Requests tried from the page go to this origin (connect-src 'self'), whatever server
    // the document names (behind CloudFront it names the API's own address).
    servers: [{ url: globalThis.location.origin, description: 'This Mailroom' }],
    // Nothing loaded from elsewhere: no web fonts, no telemetry, no AI agent.
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    showDeveloperTools: 'never',
    persistAuth: false,
  });
});
