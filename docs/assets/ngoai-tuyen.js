/* Registers the worker at the site's root (sw.js; generator/offline.py), not from file://. Browsers
 * download <a download> past a worker: online it is told to keep the file; offline it hands it out. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !/^https?:$/.test(location.protocol)) return;
  var sw = navigator.serviceWorker, worker = new URL("../sw.js", document.currentScript.src).href;
  addEventListener("load", function () { sw.register(worker).catch(function () {}); });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[download]");
    if (!link || !sw.controller || link.protocol !== location.protocol || link.host !== location.host ||
        link.hasAttribute("data-kept")) return;
    if (navigator.onLine) return sw.controller.postMessage({ keep: link.href });
    event.preventDefault();
    caches.match(link.href).then(function (hit) { return hit && hit.blob(); }).then(function (blob) {
      var copy = link.cloneNode();  // not kept: the browser tries and says it failed
      copy.setAttribute("data-kept", "");
      if (blob) copy.href = URL.createObjectURL(blob);
      document.body.appendChild(copy).click();
      copy.remove();
    });
  });
})();
