/* Tra cứu hồ sơ: the SMS to the look-up number, written from the dossier number typed.
 *
 * "sms:NUMBER?&body=TEXT" opens the messaging app with the text ready on Android and on
 * iOS alike (iOS reads "&body=", Android "?body="). Nothing is sent from the page. */
(function () {
  "use strict";
  var form = document.getElementById("tthc-lookup");
  if (!form) return;
  var input = document.getElementById("tthc-dossier"), link = document.getElementById("tthc-sms");
  var number = form.getAttribute("data-number"), syntax = form.getAttribute("data-syntax");

  // "TTHC <mã hồ sơ>" with the number in place of the part in angle brackets.
  function body(dossier) {
    if (/<[^>]*>/.test(syntax)) return syntax.replace(/<[^>]*>/, dossier);
    return (syntax ? syntax + " " : "") + dossier;
  }
  function update() {
    var dossier = input.value.trim().replace(/\s+/g, "");
    if (!dossier) {
      link.href = "sms:" + number;
      link.textContent = "Soạn tin nhắn gửi " + number;
      return;
    }
    var text = body(dossier);
    link.href = "sms:" + number + "?&body=" + encodeURIComponent(text);
    link.textContent = "Gửi tin “" + text + "” tới " + number;
  }
  input.addEventListener("input", update);
  form.addEventListener("submit", function (event) { event.preventDefault(); update(); link.click(); });
  update();
})();
