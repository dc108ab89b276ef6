// The preview's companion, added to every page by `python -m generator serve` only
// (never part of a built site). It waits for news from the preview server: when this
// page changed it reloads; when the catalogue has errors it shows them in a banner.
// Texts go in with textContent: a message quotes the editor's file and must stay text.
(function () {
  "use strict";
  var version = -1;
  var site = Number(document.currentScript.getAttribute("data-site"));  // what this page was rendered from
  var here = location.pathname.replace(/index\.html$/, "");

  function banner(state) {
    var box = document.getElementById("tthc-preview-errors");
    if (!state.errors.length) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("section");
      box.id = "tthc-preview-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;z-index:1000;max-height:50vh;" +
        "overflow:auto;background:#fff4f4;color:#1a1a1a;border-top:4px solid #c62828;" +
        "padding:.8rem 1rem;font:14px/1.45 system-ui,sans-serif;box-shadow:0 -2px 8px rgba(0,0,0,.2)";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("strong");
    title.textContent = "Xem trước: bộ thủ tục có " + state.errors.length +
      " lỗi, trang web chưa được cập nhật (đang hiện bản hợp lệ gần nhất).";
    var list = document.createElement("ul");
    list.style.cssText = "margin:.4rem 0;padding-left:1.2rem;font-family:ui-monospace,monospace;font-size:13px";
    state.errors.forEach(function (error) {
      var item = document.createElement("li");
      item.textContent = error.text;
      list.appendChild(item);
    });
    var hint = document.createElement("p");
    hint.style.margin = "0";
    hint.textContent = "Sửa tệp rồi lưu lại: trang sẽ tự cập nhật.";
    box.append(title, list, hint);
  }

  function poll() {
    fetch("/.preview/status?since=" + version + "&site=" + site, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.pages.indexOf("*") >= 0 || state.pages.indexOf(here) >= 0) {
          location.reload();
          return;
        }
        version = state.version;
        site = state.site;
        banner(state);
        poll();
      })
      .catch(function () { setTimeout(poll, 1000); });  // server restarting: try again
  }
  poll();
})();
