// The check-in scanner's service worker (served as /checkin/sw.js, scope /checkin/).
// It keeps what a scanner needs to start without a connection: the scanner pages, their
// scripts and styles, and each checkpoint's offline list. Everything is network first
// (a deploy or a new list wins as soon as the network answers) and falls back to the copy
// kept here when the network fails or hangs. Scans themselves are never cached: the page
// queues them in IndexedDB and uploads them when the connection is back.
"use strict";

var CACHE = "checkin-v1";
var STATIC_FILES = [
  "/static/css/site.css",
  "/static/css/checkin.css",
  "/static/js/site.js",
  "/static/js/checkin.js",
  "/static/js/camera.js",
  "/static/js/vendor/jsQR.js",
  "/static/img/checkin-icon.svg",
  "/checkin/manifest.webmanifest"
];
// A venue Wi-Fi that swallows requests must not keep a reloading scanner blank.
var NETWORK_TIMEOUT_MS = 5000;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // One missing file must not stop the others from being kept.
    return Promise.all(STATIC_FILES.map(function (url) {
      return cache.add(url).catch(function () { return null; });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("checkin-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function sameOrigin(url) { return url.origin === self.location.origin; }

// What is kept: scanner pages (not the API, except each checkpoint's offline list), our
// static files. Never the login page a lapsed session is sent to.
function keepable(url, request) {
  if (!sameOrigin(url)) { return false; }
  if (url.pathname.indexOf("/static/") === 0) { return true; }
  if (/^\/checkin\/api\/[^/]+\/\d+\/offline$/.test(url.pathname)) { return true; }
  if (url.pathname === "/checkin/manifest.webmanifest") { return true; }
  return request.mode === "navigate" && /^\/checkin\/([^/]+\/\d+)?$/.test(url.pathname);
}

function storable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

// The server says the session is over (a redirect to the login page, 401, 403): the kept
// pages and lists (attendees' names) go, so a phone handed on offline does not show them.
// Our static files stay. (The queue of unsent scans is the page's, in IndexedDB: kept.)
function sessionEnded(response) {
  return response.type === "opaqueredirect" || response.redirected ||
    response.status === 401 || response.status === 403;
}

function forgetPrivate() {
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.filter(function (request) {
        var path = new URL(request.url).pathname;
        return path.indexOf("/static/") !== 0 && path !== "/checkin/manifest.webmanifest";
      }).map(function (request) { return cache.delete(request); }));
    });
  });
}

function cacheKey(url) {
  // A page is kept once whatever its query string (e.g. ?lang=pl).
  return url.origin + url.pathname;
}

function networkFirst(request, key) {
  return new Promise(function (resolve, reject) {
    var settled = false;
    var fallback = function (error) {
      caches.match(key).then(function (cached) {
        if (settled) { return; }
        if (cached) { settled = true; resolve(cached); } else if (error) { settled = true; reject(error); }
      });
    };
    var timer = setTimeout(function () { fallback(null); }, NETWORK_TIMEOUT_MS);
    fetch(request).then(function (response) {
      clearTimeout(timer);
      if (storable(response)) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
      } else if (sessionEnded(response)) {
        forgetPrivate();
      }
      if (!settled) { settled = true; resolve(response); }
    }, function (error) {
      clearTimeout(timer);
      fallback(error);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (!keepable(url, request)) { return; }
  event.respondWith(networkFirst(request, cacheKey(url)));
});

// The scanner page asks to keep itself and its offline list (it was loaded before this
// worker controlled it), and answers "cached" when both are here.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.urls)) { return; }
  var port = event.ports && event.ports[0];
  var urls = data.urls.map(function (u) { return new URL(u, self.location.href); })
    .filter(sameOrigin);
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
        if (storable(response)) { return cache.put(cacheKey(url), response).then(function () { return true; }); }
        return false;
      }).catch(function () { return false; });
    }));
  }).then(function (results) {
    if (port) { port.postMessage({ type: "kept", ok: results.every(Boolean) }); }
  }));
});
