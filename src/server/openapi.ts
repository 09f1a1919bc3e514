/**
 * The OpenAPI 3.1 document at `/api/openapi.json`, generated from the route table's zod schemas with zod 4's
 * own `z.toJSONSchema` (OpenAPI 3.1 schemas ARE JSON Schema 2020-12, so no translation library is needed).
 * Every route carries its role and scope (`x-lockstep-access`) and the error responses the authorization
 * matrix test checks.
 */
import { z } from 'zod';
import type { Route } from './routes.js';
import { ErrorSchema } from './schemas.js';

const schema = (s: z.ZodType, io: 'input' | 'output') => {
  const j = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  delete j.$schema;
  return j;
};

export function buildOpenApi(routes: readonly Omit<Route, 'handler'>[], baseUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const err = { description: 'diagnostics', content: { 'application/json': { schema: schema(ErrorSchema, 'output') } } };
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const params: unknown[] = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (r.query) {
      const q = schema(r.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(q.properties ?? {})) params.push({ name, in: 'query', required: (q.required ?? []).includes(name) && !(s as { default?: unknown }).default, schema: s });
    }
    const responses: Record<string, unknown> = {
      [String(r.status ?? 200)]: { description: 'success', content: { 'application/json': { schema: schema(r.response, 'output') } } },
      400: err,
    };
    if (r.access !== 'public') Object.assign(responses, { 401: err, 403: err });
    if (r.body === 'raw') Object.assign(responses, { 413: err, 429: err });
    paths[path] ??= {};
    paths[path]![r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      ...(params.length ? { parameters: params } : {}),
      ...(r.body && r.body !== 'raw' ? { requestBody: { required: true, content: { 'application/json': { schema: schema(r.body, 'input') } } } } : {}),
      ...(r.body === 'raw' ? { requestBody: { required: true, content: { 'application/x-ndjson': { schema: { type: 'string' } }, 'application/json': { schema: {} } } } } : {}),
      security: r.access === 'public' ? [] : r.access.tokenOnly ? [{ token: [] }] : [{ session: [] }, { token: [] }],
      'x-lockstep-access': r.access,
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Lockstep API', version: '1', description: 'AppLocker rollout: readiness, evidence, accounts, event intake. Errors are `{diagnostics:[…]}`.' },
    ...(baseUrl ? { servers: [{ url: baseUrl }] } : {}),
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'lockstep_session', description: 'from POST /api/login; writes also need the X-CSRF-Token header' },
        token: { type: 'http', scheme: 'bearer', description: '`lst_<id>.<secret>` from `lockstep token create`; Elasticsearch clients may send `ApiKey base64(id:secret)`' },
      },
    },
    paths,
  };
}
