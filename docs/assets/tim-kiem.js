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
  var help = document.getElementById("tthc-help"), suggest = document.getElementById("tthc-suggest");
  var pages = document.getElementById("tthc-pages");

  var LONE_Y = /\b(b|c|ch|d|g|gh|h|k|kh|l|m|n|nh|p|ph|qu|r|s|t|th|tr|v|x)y\b/g;
  function fold(text) {
    return text.toLowerCase().replace(/đ/g, "d").normalize("NFD")
      .replace(/[^\x00-\x7f]/g, "").replace(/[^a-z0-9]+/g, " ").trim().replace(LONE_Y, "$1i");
  }
  // fold() of every name, in one pass of each step over all of them rather than one call a name,
  // and only the runs that are not already one space rewritten: the same text in a third of
  // the time on a phone. A name with a line break in it (the joint) would shift the others:
  // then one call a name.
  function foldAll(texts) {
    var out = texts.join("\n").toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/[^\x00-\x7f]+/g, "")
      .replace(/ *[^a-z0-9\n ][^a-z0-9\n]*|  +/g, " ").replace(/^ +| +$/gm, "").replace(LONE_Y, "$1i").split("\n");
    return out.length === texts.length ? out : texts.map(fold);
  }
  function shardOf(term, count) {
    var h = 2166136261;
    for (var i = 0; i < term.length; i++) h = Math.imul(h ^ term.charCodeAt(i), 16777619) >>> 0;
    return h % (count || core.shards);
  }

  // Keyed by folded words, so by what the citizen typed: no prototype ("constructor" is no name's word).
  function table() { return Object.create(null); }
  var core = null, docs = [], averageLength = 1, lexicon = [], vocabulary = [];
  var named = table();  // folded word → the ids, ascending, of the names that have it
  var nameDf = table(), phraseDf = table();
  var shards = {}, waiting = {};
  window.tthcSearch = {
    core: function (data) { core = data; prepare(); resolve("core"); },
    shard: function (n, data) { shards[n] = data; resolve("t" + n); },
    fold: fold, shardOf: shardOf,  // for the tests that keep them equal to generator/search.py
    // for the tests that keep the quick ways of reading names equal to the plain ones
    foldAll: foldAll, decompose: decompose,
    names: function () { return docs.map(function (d) { return d.name; }); },
    marksIn: function (id, word) { return marksIn(docs[id], word) || null; },
    // The ranking alone, for tests and benchmarks: codes in rank order after the filters,
    // with ``weak`` and ``suggestion`` as the page would show them.
    rank: function (query, filters) {
      filters = filters || {};
      return load("core", "search/core.js").then(function () { return search(query, filters); })
        .then(function (found) {
          var codes = found.hits.filter(function (h) { return passes(h.doc, filters); }).map(function (h) { return h.doc.code; });
          codes.weak = found.weak;
          codes.suggestion = found.suggestion;
          codes.coverage = found.hits.length ? found.hits[0].coverage : 0;
          return codes;
        });
    }
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

  // What marks a syllable carries, wherever they sit: its tone and its vowel marks (ă â ê ô ơ ư, đ).
  // "hoà" and "hòa" carry the same; "mở" and "mỏ", "bán" and "bản" do not.
  var TONES = "\u0301\u0300\u0309\u0303\u0323", SHAPES = "\u0306\u0302\u031b";
  // 1 when a typed word's marks are the name word's; less when the citizen left some out;
  // least when they differ ("mỏ" typed, "mở" in the name): then they agree only after folding.
  function markAgreement(typed, inName) {
    if (!typed || !inName) return 1;
    var best = 0.35;
    inName.forEach(function (m) {
      if (m.tone === typed.tone && m.shapes === typed.shapes) best = 1;
      else if ((!typed.tone || typed.tone === m.tone) &&
               typed.shapes.split("").every(function (c) { return m.shapes.indexOf(c) >= 0; })) best = Math.max(best, 0.7);
    });
    return best;
  }
  function words(text) { return text.toLowerCase().normalize("NFC").split(/[^0-9a-zà-ỹđ\u0300-\u0323]+/).filter(Boolean); }

  // Abbreviations names use ("BHXH", "UBND", "TNLĐ") and what they stand for, from the
  // synonyms whose key is one word that is no Vietnamese syllable: a name that says "BHXH"
  // answers "bảo hiểm xã hội" as well as "bhxh".
  function abbreviations() {
    var out = table();
    lexicon.forEach(function (entry) {
      var key = entry.key;
      if (key.length > 1 || /\d/.test(key[0]) || SYLLABLE.test(key[0])) return;
      var full = valuesOf(entry).filter(function (v) { return v.words.length > 1 && v.words.indexOf(key[0]) < 0; })[0];
      if (full) out[key[0]] = full.words;
    });
    return out;
  }
  // A text's words, folded as fold() does, each with the marks it is written with (null for
  // none: "đổi", not "đối"). One pass over the decomposed text, with no regular expression per
  // word: the synonyms' phrases at load, and every name a query typed with marks touches.
  var NO_MARKS = { tone: "", shapes: "" };
  function decompose(text) {
    var out = { words: [], marks: [] }, word = "", tone = "", shapes = "";
    text = text.toLowerCase().normalize("NFD") + " ";
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if ((c >= "a" && c <= "z") || (c >= "0" && c <= "9")) word += c;
      else if (c === "đ") { word += "d"; if (shapes.indexOf(c) < 0) shapes += c; }
      else if (TONES.indexOf(c) >= 0) tone = c;
      else if (SHAPES.indexOf(c) >= 0) { if (shapes.indexOf(c) < 0) shapes += c; }
      else if (c < "\u0080" || c > "\u02ff") {  // a separator; letters fold() drops are skipped
        if (word) {
          if (word.charAt(word.length - 1) === "y") word = word.replace(LONE_Y, "$1i");
          out.words.push(word);
          out.marks.push(tone || shapes ? { tone: tone, shapes: shapes.split("").sort().join("") } : null);
        }
        word = tone = shapes = "";
      }
    }
    return out;
  }
  // A synonym's phrases, decomposed the first time a query holds its key: most never are.
  function valuesOf(entry) {
    return entry.values || (entry.values = entry.phrases.map(decompose));
  }
  // What every query needs of the names, once a page load, in a few passes with no object per
  // name: on a slow phone this is most of the wait for the first result. Which names hold a
  // word, or two words side by side, is looked up from ``named`` when a query asks.
  function prepare() {
    lexicon = core.synonyms.map(function (entry) {
      var key = decompose(entry[0]);
      return { key: key.words, keyMarks: key.marks, phrases: entry[1], values: null };
    }).filter(function (entry) { return entry.key.length; });
    var short = abbreviations(), length = 0, names = foldAll(core.docs.map(function (d) { return d[1]; }));
    docs = core.docs.map(function (d, id) {
      var folded = names[id].split(" "), spelled = folded;
      if (folded.some(function (w) { return short[w]; })) {
        spelled = [];
        folded.forEach(function (w) { spelled = spelled.concat(short[w] || [w]); });
      }
      (spelled === folded ? folded : folded.concat(spelled)).forEach(function (w) {
        var ids = named[w];
        if (!ids) named[w] = [id];
        else if (ids[ids.length - 1] !== id) ids.push(id);
      });
      length += folded.length;
      return { id: id, code: d[0], name: d[1], field: d[2], agency: d[3], level: d[4], tiers: d[5],
               words: folded, spelled: spelled, marks: null, folded: folded.join(" "), whole: whole(folded),
               text: " " + folded.join(" ") + " " + (spelled.length > folded.length ? "| " + spelled.join(" ") + " " : "") };
    });
    averageLength = length / Math.max(docs.length, 1);
    vocabulary = Object.keys(named);
    vocabulary.forEach(function (w) { nameDf[w] = named[w].length; });
  }
  // A name of three words or more without its "thủ tục", between spaces: a query that holds
  // it holds the whole name.
  function whole(folded) {
    var bare = folded[0] === "thu" && folded[1] === "tuc" ? folded.slice(2) : folded;
    return bare.length >= 3 ? " " + bare.join(" ") + " " : null;
  }
  // Which names hold a word (a flag by id), and which hold two words side by side, as written
  // or with abbreviations spelled out ("khai tử" together, not apart): worked out when a query
  // first asks, kept for the next; a pair's flags carry how many names (``size``), for corrections.
  var holding = table(), together = table();
  function holders(w) {
    if (!holding[w]) {
      var flags = holding[w] = new Uint8Array(docs.length);
      (named[w] || []).forEach(function (id) { flags[id] = 1; });
    }
    return holding[w];
  }
  function adjacent(a, b) {
    var key = a + " " + b;
    if (!together[key]) {
      var flags = together[key] = new Uint8Array(docs.length), other = holders(b);
      flags.size = 0;  // how many names, for corrections
      (named[a] || []).forEach(function (id) {
        if (!other[id]) return;
        var doc = docs[id];
        if (sideBySide(doc.words, a, b) || (doc.spelled !== doc.words && sideBySide(doc.spelled, a, b))) { flags[id] = 1; flags.size++; }
      });
    }
    return together[key];
  }
  function sideBySide(seq, a, b) {
    for (var i = 1; i < seq.length; i++) if (seq[i] === b && seq[i - 1] === a) return true;
    return false;
  }
  // The marks a name writes a folded word with ("mở" or "mỏ" for "mo"), worked out only when a
  // query typed with marks asks for that word in that name: a regular expression that takes
  // any marks on each letter finds its spellings in the name, so that no name is taken apart
  // letter by letter while the citizen waits. Undefined when the name has no such spelling
  // (the word came from an abbreviation spelled out): then marks cannot disagree.
  var MARKED = { a: "aàáảãạăằắẳẵặâầấẩẫậ", d: "dđ", e: "eèéẻẽẹêềếểễệ", i: "iìíỉĩị", o: "oòóỏõọôồốổỗộơờớởỡợ",
                 u: "uùúủũụưừứửữự", y: "yỳýỷỹỵ" };
  var LONE_I = /^(b|c|ch|d|g|gh|h|k|kh|l|m|n|nh|p|ph|qu|r|s|t|th|tr|v|x)i$/;  // "ki" may be written "kỳ"
  var spellers = table(), spellingMarks = table();
  function speller(w) {
    if (!spellers[w]) {
      var lone = LONE_I.test(w);
      var letters = w.split("").map(function (c, i) {
        var choice = (MARKED[c] || c) + (lone && i === w.length - 1 ? MARKED.y : "");
        return choice.length > 1 ? "[" + choice + "]" : c;
      });
      spellers[w] = new RegExp("(^|[^0-9a-zà-ỹđ])(" + letters.join("") + ")(?=[^0-9a-zà-ỹđ]|$)", "g");
    }
    return spellers[w];
  }
  function marksIn(doc, w) {
    var known = doc.marks || (doc.marks = table());
    if (!(w in known)) {
      var found = [], re = speller(w), m;
      var lower = doc.lower || (doc.lower = doc.name.toLowerCase().normalize("NFC"));
      re.lastIndex = 0;
      while ((m = re.exec(lower))) {
        var spelling = m[2];
        if (!(spelling in spellingMarks)) spellingMarks[spelling] = decompose(spelling).marks[0] || NO_MARKS;
        found.push(spellingMarks[spelling]);
      }
      known[w] = found.length ? found : undefined;
    }
    return known[w];
  }
  // Whether some name has the folded word with exactly these marks ("thuê" yes, "kiễm" no).
  var spellings = table();
  function spelledInNames(folded, marks) {
    var key = folded + " " + marks.tone + marks.shapes;
    if (spellings[key] === undefined) {
      spellings[key] = (named[folded] || []).some(function (id) {
        return (marksIn(docs[id], folded) || []).some(function (m) {
          return m.tone === marks.tone && m.shapes === marks.shapes;
        });
      });
    }
    return spellings[key];
  }
  // How the names spell a folded word, for a suggestion: the first name that has it.
  function spelledAs(folded) {
    var ids = named[folded] || [];
    for (var i = 0; i < ids.length; i++) {
      var found = words(docs[ids[i]].name).filter(function (w) { return fold(w) === folded; })[0];
      if (found) return found;
    }
    return folded;
  }

  // The ids of the names with a word that starts with ``prefix`` (the last word, still being
  // typed): worked out once a prefix, not once a name.
  var prefixed = table();
  function startsIn(prefix) {
    if (!prefixed[prefix]) {
      var flags = prefixed[prefix] = new Uint8Array(docs.length);
      vocabulary.forEach(function (v) {
        if (v.lastIndexOf(prefix, 0) !== 0) return;
        named[v].forEach(function (id) {  // as written: not a word of an abbreviation spelled out
          var doc = docs[id];
          if (doc.spelled === doc.words || doc.words.indexOf(v) >= 0) flags[id] = 1;
        });
      });
    }
    return prefixed[prefix];
  }
  // Whether a name holds a folded phrase, as written or with its abbreviations spelled out.
  // ``doc.text`` is the name, and its abbreviations spelled out, between spaces: built once.
  function namedIn(doc, phrase) { return doc.text.indexOf(" " + phrase + " ") >= 0; }
  function idf(df) { return Math.log(1 + docs.length / (1 + df)); }

  // Words that ask rather than name ("xin", "làm", "cho tôi", "ở đâu"): they count a quarter.
  // Only spellings that fold to no other common word: not "can" (căn cước) or "dau" (đầu tư).
  var FILLERS = table();
  "xin lam muon cho toi minh giup nao nhieu lau gi nhu thi la va voi cua bi duoc nhe a oi em".split(" ")
    .forEach(function (w) { FILLERS[w] = 1; });
  // How people ask rather than name: taken off the query, the content words stay. Folded; at
  // the start or the end of the query, where questions put them, the longest first.
  function longestFirst(frames) {
    return frames.map(function (f) { return f.split(" "); }).sort(function (a, b) { return b.length - a.length; });
  }
  var OPENINGS = longestFirst(["cho toi hoi", "cho em hoi", "cho minh hoi", "cho hoi", "xin hoi", "xin cho hoi",
    "em muon hoi", "toi muon hoi", "hoi ve", "toi muon", "em muon", "minh muon", "toi can", "em can", "minh can",
    "lam the nao de", "lam sao de", "lam the nao", "lam sao", "thu tuc", "o dau", "bao gio", "khi nao"]);
  var CLOSINGS = longestFirst(["can chuan bi nhung giay to gi", "can nhung giay to gi", "can chuan bi nhung gi",
    "can chuan bi gi", "can giay to gi", "can giay to nao", "can nhung giay to nao", "can nhung gi", "can mang theo gi",
    "gom nhung gi", "can gi", "can dieu kien gi", "can nhung dieu kien gi", "dieu kien gi", "nhu the nao",
    "the nao", "lam the nao", "lam sao", "ra sao", "o dau", "nop o dau", "lam o dau", "mat bao lau",
    "trong bao lau", "bao lau", "bao lau thi xong", "mat bao lau thi xong", "mat bao nhieu ngay", "bao nhieu ngay",
    "mat may ngay", "may ngay", "bao gio", "bao gio thi co", "bao gio co", "khi nao", "khi nao thi co", "khi nao co",
    "het bao nhieu tien", "mat bao nhieu tien", "bao nhieu tien", "mat bao nhieu", "het bao nhieu", "bao nhieu",
    "co duoc khong", "duoc khong", "co phai khong", "khong", "phai lam gi", "lam gi", "can lam gi", "thi sao",
    "the nao a", "a", "vay", "nhe", "nhi", "ha", "cho bo", "cho me", "cho ong", "cho ba", "cho vo", "cho chong",
    "cho con", "cho chau"]);
  // Inside the query, how a question bends the verb ("sửa nhà có cần xin phép không", "mất sổ
  // đỏ thì phải làm sao để cấp lại"): taken off too, unless its last word begins a word of the
  // names with the next one ("có căn cước": "can cuoc").
  var MIDDLES = longestFirst(["thi phai lam sao de", "phai lam sao de", "lam the nao de", "lam sao de", "thi phai",
    "co can", "co phai", "co duoc"]);
  // Which words a synonym's key covers: a frame inside one ("đổi tên cho con") is not a frame.
  function keyed(folded) {
    var covered = {};
    lexicon.forEach(function (entry) {
      var key = entry.key;
      for (var i = 0; i + key.length <= folded.length; i++) {
        if (key.every(function (k, j) { return folded[i + j] === k; })) {
          for (var j = i; j < i + key.length; j++) covered[j] = true;
        }
      }
    });
    return covered;
  }
  function withoutFrames(tokens) {
    var folded = tokens.map(function (t) { return t.f; }), changed = true;
    function cut(at, n) {
      tokens = tokens.slice(0, at).concat(tokens.slice(at + n));
      folded = folded.slice(0, at).concat(folded.slice(at + n));
      changed = true;
    }
    function framed(f, at, covered) {
      return f.every(function (w, j) { return folded[at + j] === w && !covered[at + j]; });
    }
    while (changed && tokens.length > 1) {
      changed = false;
      var covered = keyed(folded);
      [[OPENINGS, 0], [CLOSINGS, 1]].forEach(function (pair) {
        pair[0].forEach(function (f) {
          var n = f.length, at = pair[1] ? tokens.length - n : 0;
          if (!changed && n < tokens.length && at >= 0 && framed(f, at, covered)) cut(at, n);
        });
      });
      MIDDLES.forEach(function (f) {
        var n = f.length;
        for (var at = 1; !changed && at + n < tokens.length; at++) {
          if (framed(f, at, covered) && !adjacent(f[n - 1], folded[at + n]).size) cut(at, n);
        }
      });
    }
    return tokens;
  }

  // A folded Vietnamese syllable: initial, vowel cluster, final. Loose, but enough to tell
  // "thuees" or "nhaf" (Telex typed with the input method off) from a real word.
  var SYLLABLE = new RegExp("^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?" +
    "(uye|uya|uyu|uoi|uou|uay|uai|oai|oay|oeo|ieu|yeu|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ye|" +
    "[aeiouy])(c|ch|m|n|ng|nh|p|t)?$");
  var TELEX_TONES = {s: "\u0301", f: "\u0300", r: "\u0309", x: "\u0303", j: "\u0323"};
  // "thuees" → thuế, "ddawngf" → đằng, "owr" → ở: the folded word and its marks, or null.
  function telex(token) {
    var m = /^([a-z]*[aeiouyw][a-z]*?)([sfrxj])(c|ch|m|n|ng|nh|p|t)?$/.exec(token), tone = "", rest = token;
    if (m) { tone = TELEX_TONES[m[2]]; rest = m[1] + (m[3] || ""); }
    var shapes = [];
    rest = rest.replace(/^dd/, function () { shapes.push("đ"); return "d"; })
      .replace(/uow/, function () { shapes.push("\u031b"); return "uo"; })
      .replace(/aa|aw|ee|oo|ow|uw|w/g, function (x) {
        shapes.push(x === "aw" ? "\u0306" : x === "ow" || x === "uw" || x === "w" ? "\u031b" : "\u0302");
        return x === "w" ? "u" : x.charAt(0);
      });
    if (rest === token || !SYLLABLE.test(rest)) return null;
    return { f: fold(rest), marks: { tone: tone, shapes: shapes.sort().join("") } };
  }

  // The closest word of the names' vocabulary to one typed wrong: one edit away, or two for
  // a long word. Of words as close, the one that names put beside the word typed before or
  // after it wins ("sang tne" → "sang tên", not the commoner "thẻ"), then the commonest.
  // Null when the word is known or nothing is close.
  function corrected(word, before, after) {
    if (nameDf[word] || word.length < 3 || /\d/.test(word)) return null;
    var limit = word.length >= 6 ? 2 : 1, best = null, bestDistance = limit + 1, bestRank = -1;
    vocabulary.forEach(function (v) {
      if (Math.abs(v.length - word.length) > limit) return;
      var d = distance(word, v, limit);
      if (d > bestDistance || d > limit) return;
      var rank = ((before ? adjacent(before, v).size : 0) + (after ? adjacent(v, after).size : 0)) * 1e6 + nameDf[v];
      if (d < bestDistance || rank > bestRank) { best = v; bestDistance = d; bestRank = rank; }
    });
    return best;
  }
  // Optimal string alignment distance (a swap of two letters is one edit), cut off at ``limit``.
  function distance(a, b, limit) {
    var rows = [], i, j;
    for (i = 0; i <= a.length; i++) { rows.push([i]); }
    for (j = 1; j <= b.length; j++) rows[0][j] = j;
    for (i = 1; i <= a.length; i++) {
      var low = limit + 1;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
        rows[i][j] = d;
        if (d < low) low = d;
      }
      if (low > limit) return limit + 1;
    }
    return rows[a.length][b.length];
  }

  // The query's words: folded, with the marks the citizen typed (null when none), Telex
  // typed with the input method off decoded, and how people ask taken off.
  function tokensOf(text) {
    var tokens = [];
    words(text).forEach(function (w) {
      var f = fold(w);
      f.split(" ").forEach(function (part, i, all) {
        if (!part) return;
        var typed = all.length === 1 ? decompose(w).marks[0] : null;
        var token = { f: part, marks: typed, text: all.length === 1 ? w : part };
        if (!typed && !nameDf[part] && !SYLLABLE.test(part)) {
          var decoded = telex(part);
          if (decoded) { token.f = decoded.f; token.marks = decoded.marks; }
        }
        tokens.push(token);
      });
    });
    return withoutFrames(tokens);
  }

  // Codes as people type them: "1.004884", "1 004884", "1,004884", "1004884", "1.00 4884",
  // "3 000 330", or the six digits alone: a run of digits with single spaces, dots or commas
  // between them that holds seven digits (or six) is a code. What is left is searched as words.
  var RUN = /(^|[^0-9])([0-9](?:[ .,]?[0-9])*)(?![0-9])/g;
  var CODE = /(^|[^0-9])([0-9])[ .,]?([0-9]{6})(?![0-9])/g, SUFFIX = /(^|[^0-9.,])([0-9]{6})(?![0-9])/g;
  function codesOf(query) {
    var codes = [], suffixes = [];
    var rest = query.replace(RUN, function (all, before, run) {
      var digits = run.replace(/[^0-9]/g, "");
      if (digits.length === 7) codes.push(digits.charAt(0) + "." + digits.slice(1));
      else if (digits.length === 6 && /[ .,]/.test(run)) suffixes.push(digits);
      else return all;
      return before + " ";
    });
    rest = rest.replace(CODE, function (all, before, head, tail) { codes.push(head + "." + tail); return before + " "; });
    rest = rest.replace(SUFFIX, function (all, before, digits) { suffixes.push(digits); return before + " "; });
    return { codes: codes, suffixes: suffixes, rest: rest };
  }
  // A code typed with one digit wrong, missing or swapped still finds its procedure, below exact ones.
  function codeScore(doc, wanted) {
    var best = 0;
    wanted.codes.forEach(function (code) {
      if (doc.code === code) best = 1e6;
      else if (doc.code.length === code.length && distance(doc.code, code, 1) <= 1) best = Math.max(best, 1e5);
    });
    wanted.suffixes.forEach(function (digits) {
      var tail = doc.code.slice(doc.code.indexOf(".") + 1);
      if (tail === digits) best = Math.max(best, 5e5);
    });
    return best;
  }

  // The query as units (a word, or the phrase a synonym stands for), plus one variant per
  // synonym found in it: "so do bi mat" also reads as [giấy chứng nhận quyền sử dụng đất] bị mất.
  // A unit's worth multiplies its weight: a quarter for fillers; a synonym's phrase is worth as
  // many words as it names or the citizen typed for it, whichever is more, so that one rare
  // concept typed as an abbreviation ("lltp") is not outweighed by the common words around it.
  function variants(tokens) {
    var words = tokens.map(function (t) { return t.f; });
    var typed = tokens.map(function (t) {
      return { words: [t.f], marks: [t.marks], worth: (FILLERS[t.f] ? 0.25 : 1) * (t.fixed ? 0.8 : 1) };
    });
    var matches = [];
    lexicon.forEach(function (entry) {
      var key = entry.key;
      for (var i = 0; i + key.length <= words.length; i++) {
        if (key.every(function (k, j) { return words[i + j] === k; })) {
          // typed with other marks than the key's, as a word the names spell so: another word
          // ("thuê nhà" is not "thuế nhà"), so the reading counts half; a slip ("kiễm") does not
          var other = key.some(function (k, j) {
            var typedMarks = tokens[i + j].marks, keyMarks = entry.keyMarks[j];
            return typedMarks && keyMarks && markAgreement(typedMarks, [keyMarks]) < 0.5 && spelledInNames(k, typedMarks);
          });
          matches.push([i, key.length, valuesOf(entry), other ? 0.5 : 1,
                        // an idiom no name says ("nhập hộ khẩu")
                        key.length > 1 && !other && !phraseCount(key.join(" "))]);
        }
      }
    });
    var out = [typed];
    // "nhap ho khau" → đăng ký thường trú wins over the looser "ho khau" inside it
    matches = matches.filter(function (m) {
      return !matches.some(function (o) { return o !== m && o[1] > m[1] && o[0] <= m[0] && o[0] + o[1] >= m[0] + m[1]; });
    });
    function unitFor(m, value) {
      var phrase = value.words;
      // A single everyday word ("tiệm" for hộ kinh doanh) names a broad concept: it weighs
      // as the one word it is, not as the phrase; an abbreviation ("lltp") weighs as its phrase.
      var n1 = m[1] === 1, plain = n1 && SYLLABLE.test(words[m[0]]);
      return { words: phrase, phrase: phrase.join(" "), marks: value.marks,
               worth: m[3] * (plain ? 1 : Math.max(m[1], Math.min(phrase.length, 3))), concept: m[4] || (n1 && !plain && !nameDf[words[m[0]]]),
               // typed as a word no name has ("lltp", "cà vẹt"): the phrase's own rarity is what it tells
               unknown: words.slice(m[0], m[0] + m[1]).some(function (w) { return !nameDf[w]; }) };
    }
    matches.forEach(function (m) {
      // An idiom no name says ("nhập hộ khẩu"): its words read one by one find other things
      // ("nhập khẩu"), so in the reading as typed they count for little.
      if (m[4]) {
        typed.slice(m[0], m[0] + m[1]).forEach(function (t) { t.idiom = true; });
      }
      m[2].forEach(function (value) {
        var unit = unitFor(m, value);
        // The words a synonym stands for weigh, in the reading as typed, what the synonym weighs:
        // "dkkd" is in no name, yet it is the word that matters in "cấp lại giấy chứng nhận ĐKKD".
        typed.slice(m[0], m[0] + m[1]).forEach(function (t) { (t.stands = t.stands || []).push([unit, m[1]]); });
        out.push(typed.slice(0, m[0]).concat([unit], typed.slice(m[0] + m[1])));
      });
    });
    // Every synonym at once, too: "gplx bi mat" is [giấy phép lái xe] [cấp lại], a few readings at most.
    var apart = matches.filter(function (m, i) {
      return !matches.some(function (o, j) { return j < i && o[0] < m[0] + m[1] && m[0] < o[0] + o[1]; });
    });
    if (apart.length > 1) {
      var readings = [typed];
      apart.slice().sort(function (a, b) { return b[0] - a[0]; }).forEach(function (m) {
        var next = [];
        readings.forEach(function (r) {
          m[2].forEach(function (value) { next.push(r.slice(0, m[0]).concat([unitFor(m, value)], r.slice(m[0] + m[1]))); });
        });
        readings = next.slice(0, 8);
      });
      out = out.concat(readings);
    }
    return out;
  }

  // The pages that hold a word: a flag by id, with ``ids`` and their ``size``. Null for none.
  function postings(term) {
    var shard = shards[shardOf(term)];
    if (!shard || !Object.prototype.hasOwnProperty.call(shard, term)) return null;
    var gaps = shard[term].split(","), id = 0, flags = new Uint8Array(docs.length);
    flags.ids = gaps.map(function (gap) { id += parseInt(gap, 36); flags[id] = 1; return id; });
    flags.size = gaps.length;
    return flags;
  }

  // BM25's length normalisation: a word matched in a short name says more than in a long one.
  function lengthNorm(doc) { return 2.2 / (1 + 1.2 * (0.25 + 0.75 * doc.words.length / averageLength)); }
  // What an idiom's words weigh one by one in the reading as typed; and how many names at
  // most may hold a lexicon concept for it to outweigh the rest of the query.
  var IDIOM = 0.4, RARE_CONCEPT = 5, WHOLE = 0.6;
  // How many names hold a folded phrase (cached: a query asks for a few).
  function phraseCount(phrase) {
    if (phraseDf[phrase] === undefined) {
      phraseDf[phrase] = (named[phrase.split(" ")[0]] || []).filter(function (id) { return namedIn(docs[id], phrase); }).length;
    }
    return phraseDf[phrase];
  }
  // How much a unit of the query tells: its rarity among names; a word found in no name
  // (often a filler like "bé", "giúp") tells little and must not swamp the coverage.
  // A synonym's phrase typed as a word no name has is as telling as the phrase is rare as a
  // whole: "lý lịch tư pháp" is in four names, though "lý" and "tư" are in hundreds.
  function unitWeight(unit, body) {
    var words = unit.words.reduce(function (sum, w) {
      if (nameDf[w]) return sum + idf(nameDf[w]);
      return sum + (body[w] ? 0.3 * idf(body[w].size) : 0);
    }, 0) / unit.words.length;
    if (unit.unknown && unit.words.length > 1) {
      var df = phraseCount(unit.words.join(" "));
      if (df) words = Math.max(words, idf(df));
    }
    return unit.worth * words;
  }
  function has(body, w, doc) { return body[w] && body[w][doc.id]; }

  // Name matches dominate, and two adjacent syllables matched together (a Vietnamese word
  // such as "khai tử") earn a bonus; body matches are weak evidence. Coverage is weighted
  // by idf and squared, so a name missing a telling query word falls behind. A word typed
  // with marks counts fully only where the name has the same marks (markAgreement).
  function score(doc, units, body, typed, padded) {
    var s = 0, got = 0, total = 0, last = units.length - 1, norm = lengthNorm(doc), joined = false, id = doc.id;
    units.forEach(function (unit, i) {
      var weight = unit.weight, inName = 0, inBody = 0;
      total += weight;
      if (!weight) return;
      if (unit.words.length === 1) {
        var w = unit.words[0], before = units[i - 1];
        if (unit.holders[id]) inName = unit.marks[0] ? markAgreement(unit.marks[0], marksIn(doc, w)) : 1;
        else if (i === last && w.length >= 2 && startsIn(w)[id]) inName = 0.7;
        inBody = has(body, w, doc) ? 1 : 0;
        if (inName && before && before.words.length === 1 && adjacent(before.words[0], w)[id]) {
          s += 10 * (weight + before.weight) / 2 * norm * inName;  // "khai tử" together, not apart
          joined = true;
        }
      } else {  // a synonym's phrase counts as one unit, however many words it has
        var fraction = unit.holders.filter(function (flags) { return flags[id]; }).length / unit.words.length;
        inName = fraction === 1 && namedIn(doc, unit.phrase) ? 1.5 : fraction * fraction * 0.5;
        joined = joined || inName === 1.5;
        inBody = unit.words.filter(function (w) { return has(body, w, doc); }).length / unit.words.length;
      }
      if (inName) { s += 10 * weight * inName * norm; got += weight * Math.min(inName, 1); }
      else if (inBody) { s += 2 * weight * inBody; got += 0.3 * weight * inBody; }
    });
    if (!s || !total) return null;
    if (typed.indexOf(" ") > 0 && doc.folded.indexOf(typed) >= 0) s *= 1.5;
    if (doc.folded === typed || doc.folded === "thu tuc " + typed) s = s * 2 + 100;
    var coverage = got / total;
    // The whole name said in the query ("đăng ký giám hộ" in "đăng ký giám hộ cho cháu mồ côi cha
    // mẹ"): that is what is asked, the rest is the situation, however rare its words are in names.
    if (doc.whole && padded.indexOf(doc.whole) >= 0) coverage = Math.max(coverage, WHOLE);
    return { score: s * coverage * coverage, coverage: coverage, joined: joined };
  }

  // Every procedure with a score, best first, and whether the best is ``weak``. Words no name,
  // no page and no synonym knows are read, in one more variant, as the closest words of the
  // names ("khia sinh" → khai sinh), which the page also offers as "Có phải bạn muốn tìm …".
  function search(query, filters) {
    var wanted = codesOf(query);
    var tokens = tokensOf(wanted.rest);
    var all = tokens.length ? variants(tokens) : [];
    var typed = tokens.map(function (t) { return t.f; }).join(" "), padded = " " + typed + " ";
    var body = table(), fixes = [];
    return withPostings(all, body).then(function () {
      fixes = corrections(tokens, body);
      if (fixes.length) {  // read again as corrected, synonyms included ("sang tne" → sang tên)
        var fixed = tokens.slice();
        fixes.forEach(function (fix) { fixed[fix[0]] = { f: fix[1], marks: null, text: fix[1], fixed: true }; });
        all = all.concat(variants(fixed));
      }
      return withPostings(all, body);
    }).then(function () {
      var started = performance.now();
      var units = [];  // readings share the units typed: each is weighed once
      all.forEach(function (v) { v.forEach(function (unit) { if (units.indexOf(unit) < 0) units.push(unit); }); });
      units.forEach(function (unit) {
        unit.weight = unitWeight(unit, body);
        unit.holders = unit.words.length === 1 ? holders(unit.words[0]) : unit.words.map(holders);
      });
      units.forEach(function (unit) {
        (unit.stands || []).forEach(function (s) { unit.weight = Math.max(unit.weight, s[0].weight / s[1]); });
        if (unit.idiom) unit.weight *= IDIOM;
      });
      // A concept the lexicon names and few names hold, typed as an idiom no name says
      // ("nhập hộ khẩu": đăng ký thường trú) or an abbreviation no name has ("lltp": lý lịch
      // tư pháp), is what the citizen wants; the situation around it ("cho con về nhà ông bà",
      // "bị sai thông tin") must not outweigh it.
      all.forEach(function (v) {
        v.forEach(function (unit) {
          if (!unit.concept) return;
          var n = phraseCount(unit.phrase);
          if (!n || n > RARE_CONCEPT) return;
          var rest = v.reduce(function (sum, u) { return u === unit ? sum : sum + u.weight; }, 0);
          unit.weight = Math.max(unit.weight, rest);
        });
      });
      var hits = [], top = 0, pools = candidates(all, body, wanted, filters);
      function consider(doc) {
        var best = codeScore(doc, wanted), coverage = best ? 1 : 0, joined = !!best;
        all.forEach(function (v) {
          var found = score(doc, v, body, typed, padded);
          if (found && found.score > best) { best = found.score; coverage = Math.max(coverage, found.coverage); }
          joined = joined || !!(found && found.joined);
        });
        if (!best && !all.length && !wanted.codes.length && !wanted.suffixes.length && hasFilter(filters)) {
          best = coverage = 1;  // a filter alone lists what passes it
        }
        if (best > 0) hits.push({ doc: doc, score: best, coverage: coverage, joined: joined });
        top = Math.max(top, best);
      }
      pools.named.forEach(consider);
      // A name whose page alone holds words of the query scores at most 0.18 of a reading's
      // weight (2 × weight a word, coverage 0.3 at most): when that is under 5 % of the best and
      // five names are near the best, ``near`` below would drop it, so it is not scored at all.
      var most = Math.max.apply(null, all.map(function (v) { return v.reduce(function (sum, u) { return sum + u.weight; }, 0); }).concat(0));
      var close = hits.filter(function (h) { return h.score >= 0.05 * top; }).length;
      if (close < 5 || 0.05 * top <= 0.18 * most) pools.paged().forEach(consider);
      // Only what ``relevant`` may keep is worth sorting: thousands of names share one common word.
      var near = hits.filter(function (h) { return h.score >= 0.05 * top; });
      if (near.length >= 5) hits = near;
      hits.sort(function (a, b) { return b.score - a.score || a.doc.name.localeCompare(b.doc.name, "vi") || a.doc.id - b.doc.id; });
      // Weak: no name holds half of what was asked, or several words were typed and the best
      // name has none of them side by side ("trợ cấp tuổi già" is not "cấp … từ 14 tuổi trở lên").
      var content = tokens.filter(function (t) { return !FILLERS[t.f]; }).length;
      var top = hits[0];
      return { hits: relevant(hits, content), started: started, suggestion: suggestion(tokens, fixes),
               weak: !!top && tokens.length > 0 && (top.coverage < 0.5 || (content >= 2 && !top.joined)) };
    });
  }

  // The names that can score: ``named``, those with a word of the query in the name or a name
  // word the last word typed begins; ``paged()``, the others whose page holds a word of the
  // query. Every name when a code was typed, or for a filter alone. A national catalogue has
  // thousands of names; a query's words are in a few hundred, and a common word's page postings
  // in most: those are only looked at when needed.
  function candidates(all, body, wanted, filters) {
    if (wanted.codes.length || wanted.suffixes.length || (!all.length && hasFilter(filters))) {
      return { named: docs, paged: function () { return []; } };
    }
    var flags = new Uint8Array(docs.length), out = [], lastWords = table(), terms = table();
    function add(id) { if (!flags[id]) { flags[id] = 1; out.push(docs[id]); } }
    all.forEach(function (v) {
      var last = v[v.length - 1];
      if (last && last.words.length === 1 && last.words[0].length >= 2) lastWords[last.words[0]] = true;
      v.forEach(function (unit) { unit.words.forEach(function (w) { terms[w] = true; }); });
    });
    Object.keys(terms).forEach(function (w) { (named[w] || []).forEach(add); });
    Object.keys(lastWords).forEach(function (w) {
      var starts = startsIn(w);
      for (var id = 0; id < docs.length; id++) if (starts[id]) add(id);
    });
    return {
      named: out.sort(byId),
      paged: function () {
        var more = [];
        Object.keys(terms).forEach(function (w) {
          (body[w] ? body[w].ids : []).forEach(function (id) { if (!flags[id]) { flags[id] = 1; more.push(docs[id]); } });
        });
        return more.sort(byId);
      }
    };
  }
  function byId(x, y) { return x.id - y.id; }

  // The postings of every word of ``all`` not fetched yet, their shards loaded first.
  function withPostings(all, body) {
    var missing = table();
    all.forEach(function (v) { v.forEach(function (unit) { unit.words.forEach(function (w) { if (!(w in body)) missing[w] = true; }); }); });
    var terms = Object.keys(missing), shardsNeeded = {};
    terms.forEach(function (t) { shardsNeeded[shardOf(t)] = true; });
    return Promise.all(Object.keys(shardsNeeded).map(function (n) { return load("t" + n, "search/t/" + n + ".js"); }))
      .then(function () { terms.forEach(function (t) { body[t] = postings(t); }); });
  }

  // [index, closest name word] for each word typed that no name, no synonym and (almost) no
  // page knows.
  function corrections(tokens, body) {
    var covered = keyed(tokens.map(function (t) { return t.f; })), out = [];
    tokens.forEach(function (t, i) {
      if (covered[i] || (body[t.f] && body[t.f].size >= 5)) return;  // a word of the pages, not a slip
      var before = tokens[i - 1], after = tokens[i + 1];
      var better = corrected(t.f, before ? before.f : "", after ? after.f : "");
      if (better) out.push([i, better]);
    });
    return out;
  }

  // What is worth listing: a procedure that matched one common word of a longer query is
  // noise, not a result. Kept: whatever scores within reach of the best, covers most of what
  // the best covers, and, when the best has the words side by side, has some side by side too.
  function relevant(hits, content) {
    if (!hits.length) return hits;
    var top = hits[0], together = top.joined && content >= 2;
    return hits.filter(function (h, i) {
      return i < 5 || (h.score >= 0.05 * top.score && h.coverage >= 0.75 * top.coverage && (h.joined || !together));
    });
  }

  // "Có phải bạn muốn tìm …": the query with the corrections, with marks if the citizen typed some.
  function suggestion(tokens, fixes) {
    if (!fixes.length) return null;
    var withMarks = tokens.some(function (t) { return t.marks; });  // typed without marks: suggest without
    var text = tokens.map(function (t) { return t.text; });
    fixes.forEach(function (fix) { text[fix[0]] = withMarks ? spelledAs(fix[1]) : fix[1]; });
    return text.join(" ");
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

  // A page of the site that is the answer rather than a procedure ("tra cứu hồ sơ"), above the list.
  // Service pages whose phrases the query holds: the dossier look-up as a button; life events as
  // one short line of links, "Sự kiện liên quan: Sinh con", so that the results stay on the first
  // screen of a phone. An event shows when it shares most of what the best one shares with the
  // query (the lengths of the phrases found), three at most: "thường trú" alone is in several
  // events' summaries, "thường trú cho con mới sinh" is Sinh con's.
  var EVENTS_SHOWN = 3;
  function renderPages(query) {
    var q = " " + fold(query) + " ", events = [];
    pages.textContent = "";
    (core.pages || []).forEach(function (page) {
      var shared = 0;
      page[2].forEach(function (phrase) { if (q.indexOf(" " + phrase + " ") >= 0) shared += phrase.length; });
      if (!shared) return;
      var a = document.createElement("a");
      a.href = ROOT + page[1] + (DIRECTORY_URLS ? "" : "index.html");
      a.textContent = page[0];
      if (page[3] === "su-kien") {
        a.className = "tthc-pages__event";
        events.push([shared, a]);
      } else {
        a.className = "tthc-button tthc-button--primary";
        pages.appendChild(a);
      }
    });
    events.sort(function (x, y) { return y[0] - x[0]; });
    events = events.filter(function (e, i) { return i < EVENTS_SHOWN && e[0] >= 0.75 * events[0][0]; });
    if (events.length) {
      var line = document.createElement("span");
      line.className = "tthc-pages__events";
      line.appendChild(document.createTextNode("Sự kiện liên quan: "));
      events.forEach(function (e, i) {
        if (i) line.appendChild(document.createTextNode(" · "));
        line.appendChild(e[1]);
      });
      pages.appendChild(line);
    }
    pages.hidden = !pages.childNodes.length;
  }

  // A corrected query above the list; when results are weak or missing, the closest topics
  // and the browse pages below it.
  function renderHelp(found, hits, state) {
    suggest.textContent = "";
    if (found.suggestion) {
      var a = document.createElement("a");
      suggest.appendChild(document.createTextNode("Có phải bạn muốn tìm: "));
      a.href = "?" + new URLSearchParams({ q: found.suggestion }).toString();
      a.textContent = found.suggestion;
      a.addEventListener("click", function (event) {
        event.preventDefault();
        var next = { q: found.suggestion, filters: state.filters };
        writeState(next);
        go(next);
      });
      suggest.appendChild(a);
      suggest.appendChild(document.createTextNode("?"));
    }
    suggest.hidden = !found.suggestion;
    help.textContent = "";
    help.hidden = !(!hits.length || found.weak);
    if (help.hidden) return;
    var topics = [];
    hits.slice(0, 5).forEach(function (h) { if (topics.indexOf(h.doc.field) < 0) topics.push(h.doc.field); });
    help.appendChild(document.createTextNode(hits.length ? "Hãy thử gõ tên giấy tờ hoặc việc cần làm, ít từ hơn, hoặc xem " :
      "Hãy thử gõ ít từ hơn, bỏ bớt bộ lọc, hoặc xem "));
    var links = topics.slice(0, 3).map(function (f) {
      return [core.fields[f][1], "linh-vuc/" + core.fields[f][0] + "/"];
    }).concat([["mọi lĩnh vực", "linh-vuc/"], ["thủ tục theo cơ quan", "co-quan/"]]);
    links.forEach(function (link, i) {
      var a = document.createElement("a");
      a.href = ROOT + link[1] + (DIRECTORY_URLS ? "" : "index.html");
      a.textContent = link[0];
      help.appendChild(a);
      help.appendChild(document.createTextNode(i === links.length - 1 ? "." : i === links.length - 2 ? " hoặc " : ", "));
    });
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
      list.textContent = ""; more.hidden = true; help.hidden = true; suggest.hidden = true; pages.hidden = true;
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
      if (found.weak) hits = hits.slice(0, 5);  // the closest few, not a long list of noise
      shown = PAGE;
      current = hits;
      renderFacets(found.hits, state.filters);
      renderResults(hits, shown);
      var quoted = "“" + state.q.trim() + "”";
      status.textContent = !hits.length ? "Không tìm thấy thủ tục nào cho " + quoted + "." :
        found.weak ? "Không có thủ tục nào khớp rõ với " + quoted + ". Các thủ tục gần nhất:" :
        "Tìm thấy " + hits.length + " thủ tục.";
      renderHelp(found, hits, state);
      renderPages(state.q);
      list.setAttribute("data-ms", String(Math.round(performance.now() - found.started)));
      list.setAttribute("data-state", "done");
    }).catch(function () {
      // Offline, a word never searched before has no data on the phone: reloading cannot help.
      status.textContent = navigator.onLine === false
        ? "Bạn đang không có mạng: chỉ tìm lại được những từ đã tìm khi có mạng. Các trang đã xem vẫn mở được."
        : "Không tải được dữ liệu tìm kiếm. Hãy tải lại trang.";
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
