"""The search index, built from the validated model (never by scraping HTML).

Citizens search from cheap phones, mostly without diacritics, so the index is split
for bandwidth: a small *core* (names, codes, facets, synonyms) that the search page
loads once, and the body text's inverted index cut into *shards* by a hash of the
term, so a query fetches only the shards of its own words. Both are JavaScript files
(``tthcSearch.core(...)``/``tthcSearch.shard(...)``) rather than JSON, because script
tags load from ``file://`` and fetch() does not: the offline build searches too.

``fold`` and ``shard_of`` have twins in docs/assets/tim-kiem.js; tests keep them equal.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from generator.model import Catalogue, Entry

MAX_SHARDS = 128
SHARD_BYTES = 8000  # raw bytes a shard aims for: a few KB once gzipped
# A syllable whose only vowel is a final y is spelled with i just as well: kí/ký, lí/lý, quí/quý.
_LONE_Y = {f"{onset}y": f"{onset}i" for onset in
           "b c ch d g gh h k kh l m n nh p ph qu r s t th tr v x".split()}
# Bytes that are no letter or digit, as spaces: what separates words once the text is ASCII.
_SPACES = bytes(b if b in b"abcdefghijklmnopqrstuvwxyz0123456789" else ord(" ") for b in range(256))


def folded_words(text: str) -> list[str]:
    """``fold(text).split()``. The text's ASCII is cut into words by ``bytes.translate``, one pass
    in C, and a word spelt with a lone y is looked up: the search index folds a national catalogue's
    11 million characters, which the two regular expressions this replaces took twice as long for."""
    plain = unicodedata.normalize("NFD", text.lower().replace("đ", "d")).encode("ascii", "ignore")  # no marks
    return [_LONE_Y.get(word, word) for word in plain.translate(_SPACES).decode("ascii").split()]


def fold(text: str) -> str:
    """Lower case, no tone marks or diacritics (đ → d), i/y variants merged, words split by spaces."""
    return " ".join(folded_words(text))


def shard_of(term: str, shards: int) -> int:
    """FNV-1a over the (ASCII) term, modulo the shard count."""
    h = 2166136261
    for c in term.encode("ascii"):
        h = ((h ^ c) * 16777619) & 0xFFFFFFFF
    return h % shards


def _body_text(entry: Entry, catalogue: Catalogue) -> str:
    p = entry.procedure
    parts = [p.summary or "", catalogue.fields[p.field].name, catalogue.agencies[p.agency].name]
    parts += p.subjects + p.steps + p.conditions + p.results
    parts += [d.name + " " + (d.note or "") for d in p.documents]
    parts += [f.title for f in p.forms]
    parts += [b.number + " " + (b.title or "") for b in p.legal_basis]
    parts += [(c.processing_time or "") + " " + (c.fee or "") + " " + (c.note or "") for c in p.channels]
    return " ".join(parts)


def _encode(ids: list[int]) -> str:
    """Sorted doc ids as base-36 gaps: short, and gzip folds the repeats."""
    out, last = [], 0
    for i in ids:
        out.append(_base36(i - last))
        last = i
    return ",".join(out)


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        n, r = divmod(n, 36)
        text = digits[r] + text
        if not n:
            return text


@dataclass
class SearchIndex:
    core: str
    shards: dict[int, str] = field(default_factory=dict)

    def files(self) -> dict[str, str]:
        """Published file name → content."""
        out = {"search/core.js": self.core}
        out.update({f"search/t/{n}.js": text for n, text in sorted(self.shards.items())})
        return out

    def report(self) -> str:
        """What a first query costs a phone, for the build summary."""
        core = len(gzip.compress(self.core.encode(), 9))
        sizes = sorted(len(gzip.compress(t.encode(), 9)) for t in self.shards.values())
        mean = sum(sizes) // max(len(sizes), 1)
        return (f"lõi {core / 1000:.0f} KB gzip, {len(sizes)} mảnh "
                f"(trung bình {mean / 1000:.1f} KB, lớn nhất {sizes[-1] / 1000 if sizes else 0:.1f} KB); "
                f"truy vấn 3 từ đầu tiên ≈ {(core + 3 * mean) / 1000:.0f} KB")


DEFAULT_SYNONYMS = Path(__file__).with_name("synonyms.yml")


def _spelled(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip().lower())


def synonyms_for(catalogue: Catalogue) -> list[tuple[str, list[str]]]:
    """The tool's synonyms extended by the catalogue's own synonyms.yml, in lower case with
    their marks: the search page folds them, and uses the marks to tell "đổi" (change) from
    "đối" in "đối tượng", and a key typed with other marks from the key. Keys and phrases
    that fold alike are one; the first spelling stays."""
    import yaml

    defaults = yaml.load(DEFAULT_SYNONYMS.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    merged: dict[str, tuple[str, list[str]]] = {}
    for source in (defaults, catalogue.synonyms):
        for key, values in source.items():
            spelled, phrases = merged.setdefault(fold(key), (_spelled(key), []))
            known = {fold(p) for p in phrases}
            for value in values:
                if fold(value) not in known:
                    phrases.append(_spelled(value))
                    known.add(fold(value))
    return [merged[folded] for folded in sorted(merged)]


class TermMemo:
    """Folded body terms per procedure, kept by the preview: folding is most of the index's cost."""

    def __init__(self) -> None:
        self._terms: dict[str, tuple[tuple, list[str]]] = {}

    def terms(self, entry: Entry, catalogue: Catalogue) -> list[str]:
        p = entry.procedure
        key = (p, catalogue.fields[p.field].name, catalogue.agencies[p.agency].name)
        cached = self._terms.get(p.code)
        if cached is None or cached[0] != key:
            cached = self._terms[p.code] = (key, sorted(set(folded_words(_body_text(entry, catalogue)))))
        return cached[1]


def build_index(catalogue: Catalogue, memo: TermMemo | None = None) -> SearchIndex:
    memo = memo or TermMemo()
    synonyms = synonyms_for(catalogue)
    entries = catalogue.entries  # sorted by code: doc ids are stable between builds
    fields = sorted(catalogue.fields)
    agencies = sorted(catalogue.agencies)
    tiers = sorted(catalogue.tiers)
    docs = []
    postings: dict[str, list[int]] = {}
    for doc_id, entry in enumerate(entries):
        p = entry.procedure
        tier_mask = sum(1 << tiers.index(t) for t in p.tiers)
        docs.append([p.code, p.name, fields.index(p.field), agencies.index(p.agency), p.level, tier_mask])
        for term in memo.terms(entry, catalogue):
            postings.setdefault(term, []).append(doc_id)
    encoded = {term: _encode(ids) for term, ids in sorted(postings.items())}
    size = sum(len(t) + len(e) + 4 for t, e in encoded.items())
    count = 1  # a small catalogue needs one request, a national one many small ones
    while count < MAX_SHARDS and size / count > SHARD_BYTES:
        count *= 2
    core = {
        "v": 1,
        "shards": count,
        "docs": docs,
        "fields": [[i, catalogue.fields[i].name] for i in fields],
        "agencies": [[i, catalogue.agencies[i].name] for i in agencies],
        "tiers": [[i, catalogue.tiers[i].name] for i in tiers],
        "synonyms": synonyms,
        "pages": _service_pages(catalogue),
    }
    shards: dict[int, dict[str, str]] = {}
    for term, ids in encoded.items():
        shards.setdefault(shard_of(term, count), {})[term] = ids
    return SearchIndex(
        core=f"tthcSearch.core({_json(core)});\n",
        shards={n: f"tthcSearch.shard({n},{_json(terms)});\n" for n, terms in sorted(shards.items())},
    )


# Pages that are not procedures but answer a search: what people type for them, folded.
LOOKUP_WORDS = ("tra cuu ho so", "kiem tra ho so", "tinh trang ho so", "ho so da nop", "ho so den dau",
                "ma ho so", "theo doi ho so", "tra cuu ket qua", "ho so cua toi", "tien do ho so")


# Syllables that make no topic on their own: a two-syllable phrase with one of them
# ("các thủ", "cần làm") would bring an event up for almost any query.
_FUNCTION_SYLLABLES = frozenset(
    "cac cua va khi cho la co de trong nhung mot nay do voi thi se can lam thu tuc theo den hoac "
    "nen ban sau truoc duoc ra vao nhu ve moi phai con tai hay noi".split())

# Phrases of every procedure: they tell no event from another.
_GENERIC = frozenset({"dang ki", "giay to", "ho so", "co quan", "nop ho", "ket qua", "gia dinh"})
_CLAUSE = re.compile(r"[\n,.;:!?()\u201c\u201d\"…–-]+")


def event_phrases(title: str, summary: str) -> list[str]:
    """What finds an event, folded: its whole title, and every two-syllable phrase of its title
    and summary that is not a function word (“khai sinh”, “ket hon”, “thuong tru”)."""
    phrases = [fold(title)]
    for chunk in _CLAUSE.split(f"{title}\n{summary}"):  # no phrase across a comma: "khai tử, xóa"
        words = fold(chunk).split()
        for pair in zip(words, words[1:]):
            phrase = " ".join(pair)
            if not _FUNCTION_SYLLABLES & set(pair) and phrase not in _GENERIC and phrase not in phrases:
                phrases.append(phrase)
    return phrases


def _service_pages(catalogue: Catalogue) -> list:
    """[title, site path, phrases] of the service pages the site has: the dossier look-up, and
    each life event of events.yml (a fourth item, "su-kien", tells the two apart)."""
    pages = []
    lookup = catalogue.info.status_lookup
    if lookup and (lookup.sms_number or lookup.url):
        pages.append(["Tra cứu hồ sơ đã nộp", "tra-cuu-ho-so/", list(LOOKUP_WORDS)])
    phrases = {event.id: event_phrases(event.title, event.summary) for event in catalogue.events}
    # A phrase of several events' summaries ("thuong tru", "xac nhan") tells none of them apart:
    # only an event's title and the phrases it alone has find it.
    shared = Counter(p for found in phrases.values() for p in set(found[1:]))
    for event in catalogue.events:  # the path is pages.event_path's, as a URL
        own = [p for i, p in enumerate(phrases[event.id]) if i == 0 or shared[p] == 1]
        pages.append([event.title, f"su-kien/{event.id}/", own, "su-kien"])
    return pages


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
