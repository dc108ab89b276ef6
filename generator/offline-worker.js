// The site's service worker: offline after one visit. generator/offline.py writes sw.js at each
// build: the constants above (VERSION, a digest of every published file; SHELL, OFFLINE, FILL_IN
// and FILL_IN_LATER, TIMEOUT, KEEP, REFRESH, LARGEST_DOWNLOAD), then this file.
//
// - Install: the shell (SHELL: the home, search, dossier look-up and offline pages, the
//   stylesheets, scripts and icons they name, the manifest) goes into this version's shell
//   cache; the pages the previous version kept are fetched again (at most REFRESH, not on
//   Data Saver), so a new build keeps what the citizen had without keeping its old content.
// - Activate: every cache of another version of this site is deleted; open pages are taken over.
// - Pages: network first, so a citizen online sees what is published now. The copy kept on
//   the phone when the network fails or gives no answer in TIMEOUT ms (the late answer still
//   refreshes it); a page never opened here goes to the offline page, which lists those kept.
// - The shell's files other than pages: from the cache (the version changes with any of them).
// - Fill-in forms and their files, search data and blank forms up to LARGEST_DOWNLOAD: kept
//   as they are fetched, network first like pages (a clicked <a download> is fetched by the
//   worker when the page tells it: browsers download such links past the worker). Nothing else
//   is touched.
// ("use strict" heads sw.js, above the constants.)

var ROOT = new URL("./", self.location.href);
var PREFIX = "tthc:" + ROOT.pathname + ":";  // several sites may share an origin, under other paths
var SHELL_CACHE = PREFIX + VERSION + ":shell", PAGES_CACHE = PREFIX + VERSION + ":pages";
function absolute(paths) { return paths.map(function (path) { return new URL(path, ROOT).href; }); }
var SHELL_URLS = absolute(SHELL), OFFLINE_URL = absolute([OFFLINE])[0];
var FILL_IN_URLS = absolute(FILL_IN), FILL_IN_LATER_URLS = absolute(FILL_IN_LATER);

function noop() {}

// What a request is to this worker, from its path below the site's root; null: not handled.
function kind(url) {
  if (url.origin !== ROOT.origin || url.pathname.indexOf(ROOT.pathname) !== 0) return null;
  var path = url.pathname.slice(ROOT.pathname.length);
  if (/\.(docx?|pdf|odt|xlsx?)$/i.test(path)) return "download";
  if (path === "" || /\/$|\.html$/.test(path)) return "page";
  if (/^search\//.test(path)) return "search";
  if (/^assets\//.test(path)) return "file";
  return null;
}

// Only the site's own complete answers: not an error, a partial answer, another host's, nor
// what a redirect led to (a Wi-Fi login page answers for every address).
function keepable(response) { return response.status === 200 && response.type === "basic" && !response.redirected; }

function fresh(url) { return new Request(url, { cache: "no-cache" }); }  // past the HTTP cache's old copies

function isFillIn(url) { return /\/khai\/[^/]+\/(index\.html)?$/.test(new URL(url).pathname); }

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
    return cache.addAll(SHELL_URLS.map(fresh));
  }).then(refresh).then(function () { return self.skipWaiting(); }));
});

// The pages (and fill-in forms' files) the previous version kept, fetched from this build.
function refresh() {
  var connection = self.navigator.connection;
  if (connection && connection.saveData) return;
  return caches.keys().then(function (names) {
    var old = names.filter(function (n) { return n.indexOf(PREFIX) === 0 && /:pages$/.test(n) && n !== PAGES_CACHE; });
    return Promise.all(old.map(function (n) { return caches.open(n).then(function (c) { return c.keys(); }); }));
  }).then(function (lists) {
    var urls = [];
    lists.forEach(function (requests) {
      requests.forEach(function (request) {
        if (kind(new URL(request.url)) === "page" && urls.indexOf(request.url) < 0 &&
            SHELL_URLS.indexOf(request.url) < 0) urls.push(request.url);
      });
    });
    urls = urls.slice(-REFRESH);  // the most recently kept
    if (!urls.length) return;
    return caches.open(PAGES_CACHE).then(function (cache) {
      var got = urls.map(function (url) {
        return fetch(fresh(url)).then(function (response) {
          if (keepable(response)) return cache.put(url, response);
        }).catch(noop);
      });
      if (urls.some(isFillIn)) got.push(keepFiles(cache, FILL_IN_URLS));
      return Promise.all(got);
    });
  }).catch(noop);
}

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf(PREFIX) === 0 && n !== SHELL_CACHE && n !== PAGES_CACHE;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.headers.has("range")) return;
  var url = new URL(request.url), what = kind(url);
  var key = url.origin + url.pathname;  // a page is the same page whatever its query (tim-kiem/?q=…)
  var shell = SHELL_URLS.indexOf(key) >= 0;
  if (!what && !shell) return;
  if (key === OFFLINE_URL || (shell && what !== "page")) {
    event.respondWith(caches.open(SHELL_CACHE).then(function (cache) { return cache.match(key); })
      .then(function (hit) { return hit || fetch(request); }));
    return;
  }
  event.respondWith(networkFirst(event, request, key, what));
});

// A download the page saw clicked (docs/assets/ngoai-tuyen.js): browsers fetch <a download> past
// the worker, so it fetches the file itself, once, and keeps it if small. Not on Data Saver.
self.addEventListener("message", function (event) {
  var url = event.data && typeof event.data.keep === "string" ? new URL(event.data.keep, ROOT) : null;
  var connection = self.navigator.connection;
  if (!url || kind(url) !== "download" || (connection && connection.saveData)) return;
  var key = url.origin + url.pathname, stop = new AbortController();
  event.waitUntil(kept(key).then(function (hit) {
    if (hit) return;
    return fetch(key, { signal: stop.signal }).then(function (response) {
      if (Number(response.headers.get("content-length")) > LARGEST_DOWNLOAD) return stop.abort();
      if (keepable(response)) return keep(key, response, "download");
    });
  }).catch(noop));
});

function kept(key) {
  return caches.open(SHELL_CACHE).then(function (cache) { return cache.match(key); }).then(function (hit) {
    return hit || caches.open(PAGES_CACHE).then(function (cache) { return cache.match(key); });
  });
}

function networkFirst(event, request, key, what) {
  var saved;
  event.waitUntil(new Promise(function (resolve) { saved = resolve; }));
  var network = fetch(request).then(function (response) {
    saved(keepable(response) ? keep(key, response.clone(), what) : null);
    return response;
  }, function (error) { saved(); throw error; });
  return kept(key).then(function (copy) {
    if (!copy) {
      return network.catch(function (error) {
        if (what === "page" && (request.mode === "navigate" || request.destination === "document")) return offline(request);
        throw error;
      });
    }
    return new Promise(function (resolve) {
      var timer = setTimeout(function () { resolve(copy); }, TIMEOUT);
      network.then(function (response) {
        clearTimeout(timer);
        resolve(response.status >= 500 ? copy : response);  // a host's error page is worth less than the copy
      }, function () { clearTimeout(timer); resolve(copy); });
    });
  });
}

// The offline page, at its own address so that its links and files resolve; it offers the wanted page again.
function offline(request) {
  return caches.open(SHELL_CACHE).then(function (cache) { return cache.match(OFFLINE_URL); }).then(function (page) {
    if (!page) return Response.error();
    var wanted = new URL(request.url);
    return Response.redirect(OFFLINE_URL + "?trang=" + encodeURIComponent(wanted.pathname + wanted.search), 302);
  });
}

function keep(key, response, what) {
  var name = SHELL_URLS.indexOf(key) >= 0 ? SHELL_CACHE : PAGES_CACHE;
  var body = what === "download" ? response.blob() : Promise.resolve(null);
  return Promise.all([caches.open(name), body]).then(function (both) {
    var cache = both[0], blob = both[1];
    if (blob) {  // a download: only a small one, whatever the host said its length was
      if (blob.size > LARGEST_DOWNLOAD) return;
      response = new Response(blob, { status: response.status, statusText: response.statusText, headers: response.headers });
    }
    return cache.put(key, response).then(function () {
      if (name !== PAGES_CACHE) return;
      return Promise.all([trim(cache), what === "page" && isFillIn(key) ? keepFiles(cache, FILL_IN_LATER_URLS) : null]);
    });
  }).catch(noop);
}

// A fill-in form works offline only with its script, stylesheet and zip library. A page opened
// loads the first two itself (kept as they come); the zip library only when the DOCX button is
// pressed, which may never happen online. A page fetched again on install loads nothing.
function keepFiles(cache, list) {
  return Promise.all(list.map(function (url) {
    return cache.match(url).then(function (hit) {
      if (hit) return;
      return fetch(fresh(url)).then(function (response) {
        if (keepable(response)) return cache.put(url, response);
      });
    }).catch(noop);
  }));
}

function trim(cache) {
  return cache.keys().then(function (requests) {
    var extra = requests.length - KEEP;  // the oldest first: a page kept again goes to the end
    return Promise.all(requests.slice(0, Math.max(extra, 0)).map(function (r) { return cache.delete(r); }));
  });
}
