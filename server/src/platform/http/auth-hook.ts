// Every route declares who may call it: `config: { permission: 'vitals:read' }` or `config: { public: true }`.
// A route that declares neither fails at start-up, so nothing is accidentally open.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/service.js';
import type { Permission, Principal } from '../auth/roles.js';
import { forbidden, unauthorized } from '../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission;
    public?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** Whether the caller's bearer still holds the route's permission (a long stream asks again): null on a public route. */
    stillAuthorized: (() => Promise<boolean>) | null;
  }
}

function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header && header.startsWith('Bearer ')) return header.slice(7).trim();
  // EventSource cannot set headers: the stream (and a wall display's URL) may carry the token as ?token=.
  const query = request.query as Record<string, unknown> | undefined;
  if (query && typeof query.token === 'string' && query.token) return query.token;
  return null;
}

export function registerAuthHook(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('stillAuthorized', null);
  app.addHook('onRoute', (route) => {
    const config = route.config as { permission?: Permission; public?: boolean } | undefined;
    if (route.url.startsWith('/docs')) return; // the OpenAPI UI is public by nature
    if (!config?.public && !config?.permission) {
      throw new Error(`route ${route.method} ${route.url} declares neither a permission nor public: true`);
    }
  });
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config as { permission?: Permission; public?: boolean } | undefined;
    if (!config || config.public || !config.permission) return;
    const bearer = bearerOf(request);
    if (!bearer) throw unauthorized();
    const principal = await auth.authenticate(bearer);
    if (!principal.permissions.has(config.permission)) {
      throw forbidden(`this needs the ${config.permission} permission`);
    }
    request.principal = principal;
    const permission = config.permission;
    // A revoked token, or a session that expired, is refused by the next request; a stream open for hours
    // asks with this (see serveEventStream).
    request.stillAuthorized = () => auth.authenticate(bearer).then((again) => again.permissions.has(permission), () => false);
  });
}

/** The principal of an authenticated route (the hook guarantees it is set). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}
