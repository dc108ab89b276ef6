/* Search page: ranks procedures in the browser from the index the build wrote.
 *
 * Data arrives as script files (search/core.js, search/t/<n>.js) so that the offline
 * build works from file://. fold() and shardOf() are twins of generator/search.py.
 * No request leaves the site and nothing is stored.
 */
(function () {
  "use strict";
  var box = document.getElementById("tthc-search");
  if (!box) return;
  var ROOT = box.getAttribute("data-root");
  var DIRECTORY_URLS = box.getAttribute("data-directory-urls") === "true";
  var PAGE = 20;
  var FACETS = ["field", "agency", "tier", "level"];
  var form = document.getElementById("tthc-search-form");
  var input = document.getElementById("tthc-q");
  var status = document.getElementById("tthc-status");
  var list = document.getElementById("tthc-results");
  var more = document.getElementById("tthc-more");

  var LONE_Y = /\b(b|c|ch|d|g|gh|h|k|kh|l|m|n|nh|p|ph|qu|r|s|t|th|tr|v|x)y\b/g;
  function fold(text) {
    return text.toLowerCase().replace(/đ/g, "d").normalize("NFD")
      .replace(/[^\x00-\x7f]/g, "").replace(/[^a-z0-9]+/g, " ").trim().replace(LONE_Y, "$1i");
  }
  function shardOf(term, count) {
    var h = 2166136261;
    for (var i = 0; i < term.length; i++) h = Math.imul(h ^ term.charCodeAt(i), 16777619) >>> 0;
    return h % (count || core.shards);
  }

  var core = null, docs = [], nameDf = {}, averageLength = 1, shards = {}, waiting = {};
  window.tthcSearch = {
    core: function (data) { core = data; prepare(); resolve("core"); },
    shard: function (n, data) { shards[n] = data; resolve("t" + n); },
    fold: fold, shardOf: shardOf  // for the tests that keep them equal to generator/search.py
  };
  function resolve(key) { if (waiting[key]) { waiting[key].forEach(function (f) { f(); }); delete waiting[key]; } }
  function load(key, src) {
    return new Promise(function (ok, fail) {
      if ((key === "core" && core) || shards[key.slice(1)]) return ok();
      var first = !waiting[key];
      (waiting[key] = waiting[key] || []).push(ok);
      if (!first) return;
      var s = document.createElement("script");
      s.src = ROOT + src;
      s.onerror = function () { fail(new Error(src)); };
      document.head.appendChild(s);
    });
  }

  function prepare() {
    docs = core.docs.map(function (d, id) {
      var words = fold(d[1]).split(" ");
      var set = {}, bigrams = {};
      words.forEach(function (w, i) { set[w] = true; if (i) bigrams[words[i - 1] + " " + w] = true; });
      Object.keys(set).forEach(function (w) { nameDf[w] = (nameDf[w] || 0) + 1; });
      return { id: id, code: d[0], name: d[1], field: d[2], agency: d[3], level: d[4], tiers: d[5],
               words: words, set: set, bigrams: bigrams, folded: words.join(" ") };
    });
    averageLength = docs.reduce(function (sum, d) { return sum + d.words.length; }, 0) / Math.max(docs.length, 1);
  }

  function idf(df) { return Math.log(1 + docs.length / (1 + df)); }

  // Words that ask rather than name ("xin", "làm", "cho tôi", "ở đâu"): they count a quarter.
  // Only spellings that fold to no other common word: not "can" (căn cước) or "dau" (đầu tư).
  var FILLERS = {xin: 1, lam: 1, muon: 1, cho: 1, toi: 1, minh: 1, giup: 1, nao: 1, nhieu: 1, lau: 1, gi: 1,
                 nhu: 1, thi: 1, la: 1, va: 1, voi: 1, cua: 1, bi: 1, duoc: 1, nhe: 1, a: 1, oi: 1};

  // The query as units (a word, or the phrase a synonym stands for), plus one variant per
  // synonym found in it: "so do bi mat" also reads as [giấy chứng nhận quyền sử dụng đất] bị mất.
  // A unit's worth multiplies its weight: a quarter for fillers, and a synonym's phrase is
  // worth as many words as the citizen typed for it ("nhap ho khau" → 3).
  function variants(words) {
    var typed = words.map(function (w) { return { words: [w], worth: FILLERS[w] ? 0.25 : 1 }; });
    var matches = [];
    core.synonyms.forEach(function (entry) {
      var key = entry[0].split(" ");
      for (var i = 0; i + key.length <= words.length; i++) {
        if (key.every(function (k, j) { return words[i + j] === k; })) matches.push([i, key.length, entry[1]]);
      }
    });
    var out = [typed];
    matches.forEach(function (m) {
      // "nhap ho khau" → đăng ký thường trú wins over the looser "ho khau" inside it
      var inside = matches.some(function (o) { return o !== m && o[1] > m[1] && o[0] <= m[0] && o[0] + o[1] >= m[0] + m[1]; });
      if (inside) return;
      m[2].forEach(function (value) {
        var unit = { words: value.split(" "), worth: m[1] };
        out.push(typed.slice(0, m[0]).concat([unit], typed.slice(m[0] + m[1])));
      });
    });
    return out;
  }

  function postings(term) {
    var shard = shards[shardOf(term)], text = shard && shard[term], set = {};
    if (!text) return null;
    var gaps = text.split(","), id = 0;
    gaps.forEach(function (gap) { id += parseInt(gap, 36); set[id] = true; });
    set.size = gaps.length;
    return set;
  }

  // BM25's length normalisation: a word matched in a short name says more than in a long one.
  function lengthNorm(doc) { return 2.2 / (1 + 1.2 * (0.25 + 0.75 * doc.words.length / averageLength)); }
  // How much a unit of the query tells: its rarity among names; a word found in no name
  // (often a filler like "bé", "giúp") tells little and must not swamp the coverage.
  function unitWeight(unit, body) {
    return unit.worth * unit.words.reduce(function (sum, w) {
      if (nameDf[w]) return sum + idf(nameDf[w]);
      return sum + (body[w] ? 0.3 * idf(body[w].size) : 0);
    }, 0) / unit.words.length;
  }
  function has(body, w, doc) { return body[w] && body[w][doc.id]; }

  // Name matches dominate, and two adjacent syllables matched together (a Vietnamese word
  // such as "khai tử") earn a bonus; body matches are weak evidence. Coverage is weighted
  // by idf and squared, so a name missing a telling query word falls behind.
  function score(doc, units, body, typed) {
    var s = 0, got = 0, total = 0, last = units.length - 1, norm = lengthNorm(doc);
    units.forEach(function (unit, i) {
      var weight = unit.weight, inName = 0, inBody = 0;
      total += weight;
      if (!weight) return;
      if (unit.words.length === 1) {
        var w = unit.words[0], before = units[i - 1];
        if (doc.set[w]) inName = 1;
        else if (i === last && w.length >= 2 && doc.words.some(function (x) { return x.lastIndexOf(w, 0) === 0; })) inName = 0.7;
        inBody = has(body, w, doc) ? 1 : 0;
        if (inName && before && before.words.length === 1 && doc.bigrams[before.words[0] + " " + w]) {
          s += 10 * (weight + before.weight) / 2 * norm;  // "khai tử" together, not apart
        }
      } else {  // a synonym's phrase counts as one unit, however many words it has
        var fraction = unit.words.filter(function (w) { return doc.set[w]; }).length / unit.words.length;
        inName = doc.folded.indexOf(unit.words.join(" ")) >= 0 ? 1.5 : fraction * fraction * 0.5;
        inBody = unit.words.filter(function (w) { return has(body, w, doc); }).length / unit.words.length;
      }
      if (inName) { s += 10 * weight * inName * norm; got += weight * Math.min(inName, 1); }
      else if (inBody) { s += 2 * weight * inBody; got += 0.3 * weight * inBody; }
    });
    if (!s || !total) return 0;
    if (typed.indexOf(" ") > 0 && doc.folded.indexOf(typed) >= 0) s *= 1.5;
    if (doc.folded === typed || doc.folded === "thu tuc " + typed) s = s * 2 + 100;
    var coverage = got / total;
    return s * coverage * coverage;
  }

  function search(query, filters) {
    var codes = (query.match(/\d+\.\d+/g) || []);
    var words = fold(query).split(" ").filter(Boolean);
    var all = variants(words), typed = words.join(" ");
    var terms = {};
    all.forEach(function (v) { v.forEach(function (unit) { unit.words.forEach(function (w) { terms[w] = true; }); }); });
    var needed = Object.keys(terms).map(function (t) { return shardOf(t); });
    return Promise.all(needed.map(function (n) { return load("t" + n, "search/t/" + n + ".js"); }))
      .then(function () {
        var started = performance.now();
        var body = {};
        Object.keys(terms).forEach(function (t) { body[t] = postings(t); });
        all.forEach(function (v) { v.forEach(function (unit) { unit.weight = unitWeight(unit, body); }); });
        var hits = [];
        docs.forEach(function (doc) {
          var best = codes.indexOf(doc.code) >= 0 ? 1e6 : 0;
          if (words.length) {
            all.forEach(function (v) { best = Math.max(best, score(doc, v, body, typed)); });
          } else if (hasFilter(filters)) {
            best = 1;
          }
          if (best > 0) hits.push({ doc: doc, score: best });
        });
        hits.sort(function (a, b) { return b.score - a.score || a.doc.name.localeCompare(b.doc.name, "vi"); });
        return { hits: hits, started: started };
      });
  }

  function hasFilter(filters) { return FACETS.some(function (f) { return filters[f]; }); }
  function facetValue(doc, facet) {
    return facet === "field" ? core.fields[doc.field][0] : facet === "agency" ? core.agencies[doc.agency][0]
      : facet === "level" ? String(doc.level) : null;
  }
  function passes(doc, filters, except) {
    return FACETS.every(function (f) {
      if (f === except || !filters[f]) return true;
      if (f === "tier") {
        var i = core.tiers.findIndex(function (t) { return t[0] === filters.tier; });
        return i >= 0 && (doc.tiers & (1 << i)) !== 0;
      }
      return facetValue(doc, f) === filters[f];
    });
  }

  function url(code) { return ROOT + "thu-tuc/" + code + (DIRECTORY_URLS ? "/" : "/index.html"); }

  function renderFacets(hits, filters) {
    FACETS.forEach(function (facet) {
      var select = document.getElementById("tthc-filter-" + facet);
      var counts = {};
      hits.forEach(function (h) {
        if (!passes(h.doc, filters, facet)) return;
        if (facet === "tier") {
          core.tiers.forEach(function (t, i) { if (h.doc.tiers & (1 << i)) counts[t[0]] = (counts[t[0]] || 0) + 1; });
        } else {
          var v = facetValue(h.doc, facet);
          counts[v] = (counts[v] || 0) + 1;
        }
      });
      var options = facet === "level" ? [["1", "Mức độ 1"], ["2", "Mức độ 2"], ["3", "Mức độ 3"], ["4", "Mức độ 4"]]
        : core[{ field: "fields", agency: "agencies", tier: "tiers" }[facet]].slice().sort(function (a, b) { return a[1].localeCompare(b[1], "vi"); });
      select.textContent = "";
      select.appendChild(new Option("Tất cả", ""));
      options.forEach(function (o) {
        if (!counts[o[0]] && filters[facet] !== o[0]) return;
        var option = new Option(o[1] + " (" + (counts[o[0]] || 0) + ")", o[0]);
        option.selected = filters[facet] === o[0];
        select.appendChild(option);
      });
    });
  }

  function renderResults(hits, shown) {
    list.textContent = "";
    hits.slice(0, shown).forEach(function (h) {
      var li = document.createElement("li"), a = document.createElement("a"), meta = document.createElement("span");
      li.setAttribute("data-code", h.doc.code);
      a.className = "tthc-result__link";
      a.href = url(h.doc.code);
      a.textContent = h.doc.name;
      meta.className = "tthc-list__meta";
      meta.textContent = h.doc.code + " · Mức " + h.doc.level + " · " + core.fields[h.doc.field][1] + " · " + core.agencies[h.doc.agency][1];
      li.appendChild(a); li.appendChild(meta); list.appendChild(li);
    });
    more.hidden = hits.length <= shown;
  }

  function readState() {
    var params = new URLSearchParams(location.search), filters = {};
    FACETS.forEach(function (f) { filters[f] = params.get(f) || ""; });
    return { q: params.get("q") || "", filters: filters };
  }

  function writeState(state) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    FACETS.forEach(function (f) { if (state.filters[f]) params.set(f, state.filters[f]); });
    try { history.replaceState(null, "", "?" + params.toString()); } catch (e) { /* some file:// setups refuse */ }
  }

  var shown = PAGE, current = null, run = 0;
  function go(state) {
    var mine = ++run;
    input.value = state.q;
    if (hasFilter(state.filters)) box.querySelector(".tthc-filters").open = true;
    if (!state.q.trim() && !hasFilter(state.filters)) {
      list.textContent = ""; more.hidden = true;
      status.textContent = "Nhập tên thủ tục, mã thủ tục hoặc từ khóa, có dấu hoặc không dấu.";
      if (core) renderFacets(docs.map(function (d) { return { doc: d }; }), state.filters);
      list.setAttribute("data-state", "done");
      return;
    }
    list.setAttribute("data-state", "loading");
    status.textContent = "Đang tìm…";
    load("core", "search/core.js").then(function () { return search(state.q, state.filters); }).then(function (found) {
      if (mine !== run) return;
      var hits = found.hits.filter(function (h) { return passes(h.doc, state.filters); });
      shown = PAGE;
      current = hits;
      renderFacets(found.hits, state.filters);
      renderResults(hits, shown);
      status.textContent = hits.length ? "Tìm thấy " + hits.length + " thủ tục." :
        "Không tìm thấy thủ tục nào. Hãy thử ít từ hơn, bỏ bớt bộ lọc, hoặc tìm theo lĩnh vực.";
      list.setAttribute("data-ms", String(Math.round(performance.now() - found.started)));
      list.setAttribute("data-state", "done");
    }).catch(function () {
      status.textContent = "Không tải được dữ liệu tìm kiếm. Hãy tải lại trang.";
      list.setAttribute("data-state", "error");
    });
  }

  function stateFromForm() {
    var filters = {};
    FACETS.forEach(function (f) { filters[f] = document.getElementById("tthc-filter-" + f).value; });
    return { q: input.value, filters: filters };
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var state = stateFromForm();
    writeState(state);
    go(state);
  });
  FACETS.forEach(function (f) {
    document.getElementById("tthc-filter-" + f).addEventListener("change", function () {
      var state = stateFromForm();
      writeState(state);
      go(state);
    });
  });
  more.addEventListener("click", function () { shown += PAGE; renderResults(current, shown); });

  var initial = readState();
  if (initial.q || hasFilter(initial.filters)) go(initial);
  else load("core", "search/core.js").then(function () { go(initial); });
})();
