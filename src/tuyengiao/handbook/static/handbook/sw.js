/* Sổ tay đảng viên: keeps the shell and the last documents read, for reading without a connection. */
const SHELL = "hb-shell-v1";
const DOCS = "hb-docs-v1";
const KEEP = 20;
const OFFLINE = "/handbook/offline/";
const DOCUMENT = /^\/handbook\/documents\/\d+\/$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll([OFFLINE, "/handbook/"])).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL && k !== DOCS).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.cache) {
    caches.open(SHELL).then((cache) => Promise.all(data.cache.map((url) => cache.add(url).catch(() => null))));
  }
  if (data.forget) {
    caches.delete(DOCS);
    caches.delete(SHELL);
  }
});

async function trim(cache) {
  const keys = await cache.keys();
  for (const request of keys.slice(0, Math.max(0, keys.length - KEEP))) {
    await cache.delete(request);
  }
}

async function keepDocument(request) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      const cache = await caches.open(DOCS);
      await cache.delete(request);
      await cache.put(request, response.clone());
      await trim(cache);
    }
    return response;
  } catch (error) {
    const cached = await caches.match(request, { cacheName: DOCS });
    return cached || (await caches.match(OFFLINE)) || Response.error();
  }
}

async function page(request) {
  try {
    const response = await fetch(request);
    if (response.ok && new URL(request.url).pathname === "/handbook/") {
      (await caches.open(SHELL)).put(request, response.clone());
    }
    return response;
  } catch (error) {
    return (await caches.match(request)) || (await caches.match(OFFLINE)) || Response.error();
  }
}

async function asset(request) {
  const cached = await caches.match(request);
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  if (response.ok) {
    (await caches.open(SHELL)).put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (DOCUMENT.test(url.pathname)) {
    event.respondWith(keepDocument(request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(asset(request));
  } else if (request.mode === "navigate" && url.pathname.startsWith("/handbook/")) {
    event.respondWith(page(request));
  }
});
