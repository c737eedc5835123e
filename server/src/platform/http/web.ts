// Serves the built web app (web/dist): hashed assets cached for a year, and index.html for the app's own
// paths (/screen, /ops, /login ...) so that a deep link or a reload lands on the right page. The API keeps
// its problem+json 404s: only the app's paths fall back to index.html.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { ProblemError } from '../errors.js';

/** Where `npm run build -w web` writes the app. */
export const WEB_DIST = fileURLToPath(new URL('../../../../web/dist/', import.meta.url));

/** The client-side routes: each answers index.html and the router in the browser takes over. */
const APP_PATHS = ['/', '/login', '/screen', '/screen/*', '/ops', '/ops/*', '/go', '/go/*', '/board/*'];

export async function registerWebApp(app: FastifyInstance, root: string = WEB_DIST): Promise<void> {
  // preCompressed: the build writes .gz beside each script and stylesheet, sent when the browser accepts it.
  await app.register(fastifyStatic, { root, serve: false, preCompressed: true });
  const built = () => fs.existsSync(path.join(root, 'index.html'));
  const notBuilt = () => new ProblemError(503, 'web_not_built', 'Web app not built', 'the web app has not been built: run `npm run build -w web`');

  const sendIndex = (reply: FastifyReply) => {
    if (!built()) throw notBuilt();
    // The page names hashed assets: it must be revalidated so that a new build is picked up at once.
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  };
  for (const url of APP_PATHS) {
    app.get(url, { config: { public: true }, schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  }
  app.get('/assets/*', { config: { public: true }, schema: { hide: true } }, (request, reply) => {
    if (!built()) throw notBuilt();
    const file = (request.params as { '*': string })['*'];
    return reply.sendFile(path.posix.join('assets', file), { maxAge: '365d', immutable: true });
  });
  for (const file of ['favicon.svg']) {
    app.get(`/${file}`, { config: { public: true }, schema: { hide: true } }, (_request, reply) => {
      if (!built()) throw notBuilt();
      return reply.sendFile(file, { maxAge: '1d' });
    });
  }
}
