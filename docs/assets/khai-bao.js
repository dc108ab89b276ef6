/* A form filled in on the citizen's own phone: checks, print sheet, DOCX, draft.
 *
 * Nothing is sent anywhere: the only request after the page has loaded is the zip
 * library, from this site, when the citizen asks for the DOCX. Nothing is stored
 * unless they press "Lưu nháp". Text from the page (labels, values) only ever goes
 * into the document through textContent or XML escaping, never through innerHTML.
 */
(function () {
  "use strict";

  var root = document.getElementById("kb");
  if (!root) return;
  var form = document.getElementById("kb-form");
  var sheet = document.getElementById("kb-sheet");
  var summary = document.getElementById("kb-errors");
  var summaryList = document.getElementById("kb-errors-list");
  var status = document.getElementById("kb-status");
  var draftStatus = document.getElementById("kb-draft");
  var fields = Array.prototype.slice.call(form.querySelectorAll("[data-name]"));
  var draftKey = "tthc-khai:" + root.dataset.code + ":" + root.dataset.form;

  // --- reading and checking the fields ------------------------------------------

  function inputs(field) {
    return Array.prototype.slice.call(field.querySelectorAll("input, textarea"));
  }

  function rawValue(field) {
    var type = field.dataset.type;
    var all = inputs(field);
    if (type === "choice") {
      var picked = all.filter(function (i) { return i.checked; })[0];
      return picked ? picked.value : "";
    }
    if (type === "checkbox") return all[0].checked;
    return all[0].value.trim();
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // Phones' numeric keypads often have no "/", so 05092024 and 5.9.2024 are accepted
  // too and written back as 05/09/2024.
  function checkDate(text, field) {
    var m = /^(\d{1,2})[\/.\- ](\d{1,2})[\/.\- ](\d{4})$/.exec(text) || /^(\d{2})(\d{2})(\d{4})$/.exec(text);
    if (!m) return { error: "Hãy viết ngày theo dạng ngày/tháng/năm, ví dụ 05/09/2024." };
    var d = +m[1], mo = +m[2], y = +m[3];
    var date = new Date(y, mo - 1, d);
    var shown = pad(d) + "/" + pad(mo) + "/" + y;
    if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) {
      return { error: "Ngày " + shown + " không có trên lịch; hãy xem lại ngày và tháng." };
    }
    if (field && field.hasAttribute("data-past") && date > new Date()) {  // a birth or a death: not yet
      return { error: "Ngày " + shown + " là ngày chưa tới; hãy xem lại năm." };
    }
    return { value: shown };
  }

  function checkIdNumber(text) {
    var digits = text.replace(/\s+/g, "");
    if (!/^\d+$/.test(digits)) return { error: "Số định danh cá nhân chỉ gồm chữ số." };
    if (digits.length !== 12) {
      return { error: "Số định danh cá nhân (số căn cước) phải có đúng 12 chữ số; bạn đã nhập " +
               digits.length + " chữ số." };
    }
    return { value: digits };
  }

  function checkPhone(text) {
    var compact = text.replace(/[\s.]+/g, "");
    if (/^0\d{9}$/.test(compact) || /^\+84\d{9}$/.test(compact)) return { value: text };
    return { error: "Số điện thoại chưa đúng: cần 10 chữ số bắt đầu bằng 0 (ví dụ 0912 345 678), " +
             "hoặc +84 và 9 chữ số." };
  }

  function checkNumber(text) {
    return /^\d+$/.test(text) ? { value: text } : { error: "Chỉ nhập chữ số (0–9)." };
  }

  var TICKED = "\u2612", UNTICKED = "\u2610";  // ☒ ☐, as on paper forms
  var CHECKS = { date: checkDate, "id-number": checkIdNumber, phone: checkPhone, number: checkNumber };

  /* {value} for the sheet, or {error} in Vietnamese. */
  function check(field) {
    var type = field.dataset.type;
    var raw = rawValue(field);
    var required = field.hasAttribute("data-required");
    if (type === "checkbox") {
      if (required && !raw) return { error: "Hãy đánh dấu vào ô này." };
      return { value: raw ? TICKED : UNTICKED };
    }
    if (raw === "") {
      if (!required) return { value: "" };
      return { error: type === "choice" ? "Hãy chọn một trong các lựa chọn." : "Chưa điền mục này." };
    }
    return CHECKS[type] ? CHECKS[type](raw, field) : { value: raw };
  }

  function showError(field, message) {
    var box = document.getElementById("f-" + field.dataset.name + "-error");
    box.textContent = message || "";
    field.classList.toggle("kb-field--error", !!message);
    inputs(field).forEach(function (i) {
      if (message) i.setAttribute("aria-invalid", "true");
      else i.removeAttribute("aria-invalid");
    });
  }

  /* Check every field; show each error beside its field and in the summary, which
   * takes the focus so a screen reader reads it. Returns whether all is well. */
  function validate() {
    var errors = [];
    fields.forEach(function (field) {
      var result = check(field);
      showError(field, result.error);
      if (result.error) errors.push([field, result.error]);
      else if (field.dataset.type === "date" && result.value) inputs(field)[0].value = result.value;
    });
    fillSheet();
    summaryList.textContent = "";
    errors.forEach(function (pair) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#f-" + pair[0].dataset.name;
      a.textContent = pair[0].dataset.label.replace(/[.:]+$/, "") + ": " + pair[1];
      a.addEventListener("click", function (event) {
        event.preventDefault();
        var target = document.getElementById("f-" + pair[0].dataset.name);
        target.focus();
        target.scrollIntoView({ block: "center" });
      });
      li.appendChild(a);
      summaryList.appendChild(li);
    });
    document.getElementById("kb-errors-title").textContent =
      "Tờ khai còn " + errors.length + " chỗ cần sửa:";
    summary.hidden = errors.length === 0;
    if (errors.length) summary.focus();
    return errors.length === 0;
  }

  // A field whose error is showing is checked again as soon as it changes, so the
  // message goes away when the citizen has fixed it.
  form.addEventListener("change", function (event) {
    var field = event.target.closest("[data-name]");
    if (field && field.classList.contains("kb-field--error")) showError(field, check(field).error);
  });
  form.addEventListener("input", fillSheet);
  form.addEventListener("change", fillSheet);

  // --- the printed sheet and the DOCX share one layout: #kb-sheet ----------------

  function fillSheet() {
    fields.forEach(function (field) {
      var line = sheet.querySelector('[data-name="' + field.dataset.name + '"] .kb-sheet__value');
      var result = check(field);
      line.textContent = result.error ? rawValueText(field) : result.value;
    });
  }

  function rawValueText(field) {
    var raw = rawValue(field);
    return raw === true ? TICKED : raw === false ? UNTICKED : raw;
  }

  document.getElementById("kb-print").addEventListener("click", function () {
    if (validate()) window.print();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (validate()) status.textContent = "Tờ khai đã điền đúng. Bạn có thể in hoặc tải tờ khai về.";
    else status.textContent = "";
  });

  // --- DOCX, written here and zipped by fflate (loaded only when asked for) -------

  var zipLoading = null;

  function loadZip() {
    if (!zipLoading) {
      zipLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = root.dataset.zip;
        script.onload = function () { resolve(window.fflate); };
        script.onerror = function () { zipLoading = null; reject(new Error("zip")); };
        document.head.appendChild(script);
      });
    }
    return zipLoading;
  }

  function xml(text) {
    return String(text)
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function run(text, props) {
    return String(text).split("\n").map(function (part, i) {
      return (i ? "<w:r><w:br/></w:r>" : "") + "<w:r>" + (props ? "<w:rPr>" + props + "</w:rPr>" : "") +
        '<w:t xml:space="preserve">' + xml(part) + "</w:t></w:r>";
    }).join("");
  }

  var DOTS = "……………………………………………………";
  var PARAGRAPH = {
    "kb-sheet__nation": ['<w:jc w:val="center"/>', "<w:b/>"],
    "kb-sheet__motto": ['<w:jc w:val="center"/><w:spacing w:after="360"/>', '<w:b/><w:u w:val="single"/>'],
    "kb-sheet__title": ['<w:jc w:val="center"/><w:spacing w:before="240" w:after="240"/>', '<w:b/><w:sz w:val="28"/>'],
    "kb-sheet__to": ['<w:jc w:val="center"/><w:spacing w:after="240"/>', ""],
    "kb-sheet__heading": ['<w:spacing w:before="200"/>', "<w:b/>"],
    "kb-sheet__date": ['<w:ind w:left="4536"/><w:jc w:val="center"/><w:spacing w:before="360"/>', "<w:i/>"],
    "kb-sheet__signer": ['<w:ind w:left="4536"/><w:jc w:val="center"/>', "<w:b/>"],
    "kb-sheet__sign": ['<w:ind w:left="4536"/><w:jc w:val="center"/>', "<w:i/>"]
  };

  function documentXml() {
    var body = Array.prototype.map.call(sheet.children, function (p) {
      var runs;
      var style = PARAGRAPH[p.className] || ['<w:spacing w:before="60"/>', ""];
      if (p.classList.contains("kb-sheet__line")) {  // label and value, or box and label
        runs = Array.prototype.map.call(p.children, function (part) {
          return run(part.textContent || DOTS);
        }).join(run(" "));
      } else {
        runs = run(p.textContent, style[1]);
      }
      return "<w:p><w:pPr>" + style[0] + "</w:pPr>" + runs + "</w:p>";
    }).join("");
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' + body +
      '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>' +
      '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" w:header="567" w:footer="567" w:gutter="0"/>' +
      "</w:sectPr></w:body></w:document>";
  }

  var PACKAGE = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>' +
      "</Types>",
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
      "</Relationships>",
    "word/_rels/document.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
      "</Relationships>",
    // Times New Roman 13 pt, as on official forms.
    "word/styles.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults>' +
      '<w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman" w:eastAsia="Times New Roman"/>' +
      '<w:sz w:val="26"/><w:szCs w:val="26"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault>' +
      '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="312" w:lineRule="auto"/></w:pPr></w:pPrDefault>' +
      '</w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>' +
      "</w:styles>"
  };

  function download(fflate) {
    var files = {};
    Object.keys(PACKAGE).forEach(function (name) { files[name] = fflate.strToU8(PACKAGE[name]); });
    files["word/document.xml"] = fflate.strToU8(documentXml());
    var blob = new Blob([fflate.zipSync(files)], {
      type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = root.dataset.code + "-" + root.dataset.form + ".docx";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
    status.textContent = "Đã tạo tệp " + a.download + ".";
  }

  document.getElementById("kb-docx").addEventListener("click", function () {
    if (!validate()) return;
    status.textContent = "Đang tạo tệp…";
    loadZip().then(download, function () {
      status.textContent = "Không tạo được tệp DOCX. Hãy thử lại, hoặc bấm “In tờ khai” rồi chọn “Lưu dưới dạng PDF”.";
    });
  });

  // --- the draft: in this browser only, and only when asked ----------------------

  function values() {
    var out = {};
    fields.forEach(function (field) { out[field.dataset.name] = rawValue(field); });
    return out;
  }

  function restore(saved) {
    fields.forEach(function (field) {
      var value = saved[field.dataset.name];
      if (value === undefined) return;
      inputs(field).forEach(function (i) {
        if (field.dataset.type === "choice") i.checked = i.value === value;
        else if (field.dataset.type === "checkbox") i.checked = value === true;
        else i.value = value;
      });
    });
    fillSheet();
  }

  function when(iso) {
    var d = new Date(iso);
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + " ngày " + pad(d.getDate()) + "/" +
      pad(d.getMonth() + 1) + "/" + d.getFullYear();
  }

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  document.getElementById("kb-save").addEventListener("click", function () {
    var saved = new Date().toISOString();
    try {
      storage().setItem(draftKey, JSON.stringify({ saved: saved, values: values() }));
      draftStatus.textContent = "Đã lưu nháp trên máy này lúc " + when(saved) + ". Bản nháp không được gửi đi đâu.";
    } catch (e) {
      draftStatus.textContent = "Trình duyệt này không cho lưu nháp (có thể đang ở chế độ ẩn danh).";
    }
  });

  document.getElementById("kb-clear").addEventListener("click", function () {
    var store = storage();
    if (store) store.removeItem(draftKey);
    form.reset();
    fields.forEach(function (field) { showError(field, ""); });
    summary.hidden = true;
    fillSheet();
    status.textContent = "";
    draftStatus.textContent = "Đã xóa bản nháp và mọi thông tin đã điền khỏi máy này.";
  });

  (function restoreDraft() {
    var store = storage();
    var draft = null;
    try { draft = store && JSON.parse(store.getItem(draftKey)); } catch (e) { draft = null; }
    if (draft && draft.values) {
      restore(draft.values);
      draftStatus.textContent = "Đã mở lại bản nháp bạn lưu trên máy này lúc " + when(draft.saved) +
        ". Bấm “Xóa nháp” nếu không muốn giữ.";
    } else {
      fillSheet();
    }
  })();
})();
