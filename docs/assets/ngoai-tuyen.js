/* Offline after one visit: registers the worker the build wrote at the site's root (sw.js,
 * generator/offline.py), once the page has loaded. Not from file:// (no worker runs there), nor
 * over plain HTTP but on this machine: browsers give workers to HTTPS sites only. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !/^https?:$/.test(location.protocol)) return;
  var worker = new URL("../sw.js", document.currentScript.src).href;
  addEventListener("load", function () { navigator.serviceWorker.register(worker).catch(function () {}); });
})();
