// The demo's service worker: caches the page's files on install (the list and the version are
// written in by scripts/build-web.mjs), serves them cache-first, so the page works offline after its
// first load, caches any other file of the page when it is first fetched, and drops the caches of
// older builds when a new one takes over.
const VERSION = '__VERSION__';
const ASSETS = __ASSETS__;
const PREFIX = `lrpjs-demo:${self.registration.scope}:`;
const CACHE = PREFIX + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(ASSETS))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  // the page's folder URL (…/demo/) is its index.html
  const url = new URL(request.url);
  const key = request.mode === 'navigate' && url.pathname.endsWith('/') ? new URL('index.html', url).href : request;
  // files of the page not cached at install (optional parts loaded on use) are cached when first fetched
  const inScope = url.href.startsWith(self.registration.scope);
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const hit = await cache.match(key, { ignoreSearch: true });
      if (hit) return hit;
      const response = await fetch(request);
      if (inScope && response.ok && response.type === 'basic') await cache.put(request, response.clone());
      return response;
    }),
  );
});
