// reelcut app service worker: keeps the app shell (page, scripts, worker chunk, wasm, the wasm AAC
// encoder an MP4 output loads when the browser has no AAC) so the app
// opens offline. Network first for same-origin GETs (a rebuilt app is picked up at once), the cache
// when offline. Nothing else is fetched: the engine reads only the files you pick.
const CACHE = 'reelcut-app-v1';
const SHELL = ['./', './index.html', './app.js', './app.css', './manifest.webmanifest', './icon.svg', './reelcut_bg.wasm', './reelcut.aac.js'];

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (e) => {
  e.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()),
  );
});
self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== self.location.origin || e.request.headers.has('range')) return;
  e.respondWith(
    fetch(e.request)
      .then((res) => {
        if (res.ok && res.status === 200) {
          const copy = res.clone();
          caches.open(CACHE).then((c) => c.put(e.request, copy));
        }
        return res;
      })
      .catch(() => caches.match(e.request, { ignoreSearch: true }).then((hit) => hit ?? Response.error())),
  );
});
