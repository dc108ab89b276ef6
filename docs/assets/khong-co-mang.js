/* The offline page (khong-co-mang/): the service worker shows it for a page never opened on this
 * phone while there is no network (generator/offline-worker.js). Lists the pages the worker kept,
 * read from its caches with their titles, most recent first, and offers the wanted page again.
 * Nothing leaves the phone. */
(function () {
  "use strict";
  var box = document.getElementById("tthc-offline");
  if (!box) return;
  var root = new URL(box.getAttribute("data-root"), location.href);
  var search = new URL(box.getAttribute("data-search"), location.href).href;
  var suffix = box.getAttribute("data-suffix");
  var list = document.getElementById("tthc-offline-pages");
  var retry = document.getElementById("tthc-offline-retry"), state = document.getElementById("tthc-offline-state");

  // The page the citizen wanted: a path on this site only (the worker passes it as ?trang=).
  var wanted = new URLSearchParams(location.search).get("trang");
  if (wanted && /^\/(?!\/)/.test(wanted)) {
    retry.querySelector("a").href = wanted;
    retry.hidden = false;
    var online = function () { state.textContent = navigator.onLine ? "Đã có mạng trở lại." : ""; };
    addEventListener("online", online);
    addEventListener("offline", online);
    online();
  }
  if (!window.caches) return;

  var listed = {};
  [].forEach.call(list.querySelectorAll("a"), function (a) { listed[a.href] = true; });
  listed[location.origin + location.pathname] = true;
  function isPage(url) {
    var u = new URL(url);
    return u.pathname.indexOf(root.pathname) === 0 && /\/$|\.html$/.test(u.pathname);
  }
  function title(html) {
    var found = /<title>([^<]*)<\/title>/.exec(html.slice(0, 20000));
    if (!found) return "";
    var text = new DOMParser().parseFromString("<title>" + found[1] + "</title>", "text/html").title;
    return text.slice(-suffix.length) === suffix ? text.slice(0, -suffix.length) : text;
  }
  function add(url, name) {
    var item = document.createElement("li"), link = document.createElement("a");
    link.href = url;
    link.textContent = name;
    item.appendChild(link);
    if (/\/khai\//.test(url)) {
      var note = document.createElement("span");
      note.className = "tthc-list__meta";
      note.textContent = "Tờ khai điền trên máy";
      item.appendChild(note);
    }
    list.appendChild(item);
  }

  var prefix = "tthc:" + root.pathname + ":";
  caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf(prefix) === 0; }).map(function (n) {
      return caches.open(n).then(function (cache) {
        return cache.keys().then(function (requests) { return { cache: cache, urls: requests.map(function (r) { return r.url; }) }; });
      });
    }));
  }).then(function (all) {
    var pages = [], everything = [];
    all.forEach(function (one) {
      everything = everything.concat(one.urls);
      one.urls.forEach(function (url) { if (isPage(url) && !listed[url]) { listed[url] = true; pages.push({ url: url, cache: one.cache }); } });
    });
    // The search page works without a network only once the index was fetched on this phone.
    var searchable = everything.some(function (url) { return /\/search\/core\.js$/.test(url); });
    pages = pages.filter(function (p) { return p.url !== search || searchable; }).reverse();
    return Promise.all(pages.map(function (p) {
      return p.cache.match(p.url).then(function (response) { return response ? response.text() : ""; })
        .then(function (html) { return { url: p.url, name: title(html) }; });
    }));
  }).then(function (pages) {
    pages.forEach(function (p) { if (p.name) add(p.url, p.name); });
  }).catch(function () {});
})();
