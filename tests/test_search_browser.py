"""Search as citizens use it, in headless Chromium: query sets over HTTP and file://.

The query sets in tests/search/ are hand-written realistic queries (with and without
diacritics, codes, abbreviations, colloquial names, filters) with the procedures a
citizen would accept; a query is a hit when one of them is in the top 5.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml

from conftest import NATIONAL, ROOT
from generator.loader import load_catalogue
from generator.search import fold, shard_of
from helpers import serve

pytestmark = pytest.mark.browser
QUERIES = Path(__file__).resolve().parent / "search"


def _queries(name: str) -> list[dict]:
    return yaml.safe_load((QUERIES / name).read_text(encoding="utf-8"))


def _search_url(base: str, query: str, filters: dict | None = None, offline: bool = False) -> str:
    params = {"q": query, **{k: str(v) for k, v in (filters or {}).items()}}
    return f"{base}tim-kiem/{'index.html' if offline else ''}?{urlencode(params)}"


def _top(page, url: str, n: int = 5) -> list[str]:
    page.goto(url)
    page.wait_for_selector("#tthc-results[data-state=done]", state="attached", timeout=20000)
    return page.eval_on_selector_all("#tthc-results li", f"els => els.slice(0, {n}).map(e => e.dataset.code)")


def _recall(page, base: str, queries: list[dict], offline: bool = False):
    by_kind, misses, tops = defaultdict(lambda: [0, 0]), [], []
    for query in queries:
        top = _top(page, _search_url(base, query["q"], query.get("filters"), offline))
        tops.append(top)
        hit = any(code in top for code in query["expect"])
        by_kind[query["kind"]][0] += hit
        by_kind[query["kind"]][1] += 1
        if not hit:
            misses.append(f"{query['q']!r} → {top} (expected {query['expect']})")
    hits = sum(h for h, _ in by_kind.values())
    return hits / len(queries), dict(by_kind), misses, tops


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


@pytest.fixture(scope="module")
def sample_server(sample_site):
    with serve(sample_site) as url:
        yield url


def test_javascript_folding_and_sharding_match_python(page, sample_server) -> None:
    page.goto(sample_server + "tim-kiem/")
    page.wait_for_selector("#tthc-results[data-state=done]", state="attached")
    names = [e.procedure.name for e in load_catalogue(ROOT / "procedures").catalogue.entries]
    texts = names + ["ĐĂNG KÝ KHAI SINH", "Quý quy trình Mỹ Thủy", "GPLX/CCCD 1.000894", "  a\t\tb  ",
                     "Ư Ơ Ă Â Ê Ô đ Đ ỹ ỵ", "giấy phép lái xe hạng A1", "Kí, ký, lí, lý, mĩ, mỹ"]
    assert page.evaluate("texts => texts.map(t => tthcSearch.fold(t))", texts) == [fold(t) for t in texts]
    terms = sorted({w for t in texts for w in fold(t).split()})
    for count in (1, 4, 128):
        assert page.evaluate("([terms, n]) => terms.map(t => tthcSearch.shardOf(t, n))", [terms, count]) == \
            [shard_of(t, count) for t in terms]


def test_an_ordinary_page_loads_no_search_data(page, sample_server) -> None:
    page.goto(sample_server + "thu-tuc/1.001193/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in page.requests if "/search/" in url or "tim-kiem.js" in url]


def test_header_search_box_leads_to_results(browser, sample_server) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.goto(sample_server + "thu-tuc/1.001193/")
    page.fill(".tthc-header-search input", "dang ky ket hon")
    page.press(".tthc-header-search input", "Enter")
    page.wait_for_selector("#tthc-results[data-state=done]", state="attached")
    assert "/tim-kiem/?q=dang+ky+ket+hon" in page.url
    assert page.locator("#tthc-results li").first.get_attribute("data-code") == "1.000894"
    context.close()


def test_filters_are_in_the_url_and_counted(page, sample_server) -> None:
    page.goto(sample_server + "tim-kiem/?q=dang+ky&level=4")
    page.wait_for_selector("#tthc-results[data-state=done]", state="attached")
    codes = page.eval_on_selector_all("#tthc-results li", "els => els.map(e => e.dataset.code)")
    levels = {e.procedure.code: e.procedure.level for e in load_catalogue(ROOT / "procedures").catalogue.entries}
    assert codes and all(levels[c] == 4 for c in codes)
    assert page.locator("#tthc-filter-level").input_value() == "4"
    option = page.locator("#tthc-filter-level option[value='4']").inner_text()
    assert option == f"Mức độ 4 ({len(codes)})"
    page.select_option("#tthc-filter-field", "ho-tich")
    page.wait_for_selector("#tthc-results[data-state=done]", state="attached")
    assert page.url.endswith("?q=dang+ky&field=ho-tich&level=4")
    assert all(levels[c] == 4 for c in page.eval_on_selector_all("#tthc-results li", "els => els.map(e => e.dataset.code)"))


def test_a_search_link_with_only_a_filter_lists_that_level(page, sample_server) -> None:
    page.goto(sample_server + "tim-kiem/?level=1")
    page.wait_for_selector("#tthc-results[data-state=done]", state="attached")
    count = sum(e.procedure.level == 1 for e in load_catalogue(ROOT / "procedures").catalogue.entries)
    assert page.locator("#tthc-results li").count() == min(count, 20)


@pytest.mark.parametrize("mode", ["http", "file"])
def test_sample_query_set(page, sample_server, sample_offline_site, mode) -> None:
    base = sample_server if mode == "http" else sample_offline_site.as_uri() + "/"
    recall, by_kind, misses, _ = _recall(page, base, _queries("sample-queries.yml"), offline=mode == "file")
    assert recall >= 0.95, "\n".join(misses)
    assert not [u for u in page.requests if not u.startswith(base)]


def _exact_name_queries(entries, step: int) -> list[dict]:
    """Every step-th procedure's official name typed without diacritics; any procedure
    with the very same name is the right answer (the national data repeats names)."""
    by_name = defaultdict(list)
    for e in entries:
        by_name[fold(e.procedure.name)].append(e.procedure.code)
    return [{"q": fold(e.procedure.name), "expect": by_name[fold(e.procedure.name)], "kind": "exact"}
            for e in entries[::step]]


def test_exact_names_without_diacritics_come_first_in_the_sample(page, sample_server) -> None:
    entries = load_catalogue(ROOT / "procedures").catalogue.entries
    wrong = []
    for query in _exact_name_queries(entries, 1):
        top = _top(page, _search_url(sample_server, query["q"]), 1)
        if top[0] not in query["expect"]:
            wrong.append(f"{query['q']!r} → {top}")
    assert wrong == []


@pytest.mark.national
def test_national_query_sets_over_http_and_file(page, national_site, national_offline_site) -> None:
    """The held-out set was written without seeing the engine: it must reach the 95 % goal.
    The tuning sets (harder, and the ones the ranking was tuned on) guard against regressions."""
    holdout, tuning = _queries("national-holdout.yml"), _queries("national-queries.yml")
    with serve(national_site) as base:
        recall, by_kind, misses, tops = _recall(page, base, holdout)
        assert recall >= 0.95, f"held-out recall@5 {recall:.1%} {by_kind}\n" + "\n".join(misses)
        tuned, by_kind, misses, _ = _recall(page, base, tuning)
        assert tuned >= 0.90, f"tuning-set recall@5 {tuned:.1%} {by_kind}\n" + "\n".join(misses)
        patterns, by_kind, misses, _ = _recall(page, base, _queries("national-patterns.yml"))
        assert patterns >= 0.90, f"patterns recall@5 {patterns:.1%} {by_kind}\n" + "\n".join(misses)
        tuned3, by_kind, misses, _ = _recall(page, base, _queries("national-tuning-3.yml"))
        assert tuned3 >= 0.90, f"tuning set 3 recall@5 {tuned3:.1%} {by_kind}\n" + "\n".join(misses)
        tuned4, by_kind, misses, _ = _recall(page, base, _queries("national-tuning-4.yml"))
        assert tuned4 >= 0.85, f"tuning set 4 recall@5 {tuned4:.1%} {by_kind}\n" + "\n".join(misses)
        tuned5, by_kind, misses, _ = _recall(page, base, _queries("national-tuning-5.yml"))
        assert tuned5 >= 0.90, f"tuning set 5 recall@5 {tuned5:.1%} {by_kind}\n" + "\n".join(misses)
        tuned6, by_kind, misses, _ = _recall(page, base, _queries("national-tuning-6.yml"))
        assert tuned6 >= 0.90, f"tuning set 6 recall@5 {tuned6:.1%} {by_kind}\n" + "\n".join(misses)
        # Held-out sets 2, 3 and 4 are guards only: the engine was never tuned on them (set 2: 70.0 %
        # before Search II, 85.8 % after its first round, 88.3 % after the second, 92.5 % after the
        # third; set 3: 89.2 % when first measured, 96.7 % after the third round; set 4: 95.0 % when
        # first measured, after the third round; all three unchanged after the fourth, which tuned on
        # set 6 and sped the ranking up); falling below is a regression to look into.
        for name in ("national-holdout-2.yml", "national-holdout-3.yml", "national-holdout-4.yml"):
            unseen, by_kind, misses, _ = _recall(page, base, _queries(name))
            assert unseen >= 0.85, f"{name} recall@5 {unseen:.1%} {by_kind}\n" + "\n".join(misses)
        assert not [u for u in page.requests if not u.startswith(base)]
    offline = national_offline_site.as_uri() + "/"
    _, _, _, offline_tops = _recall(page, offline, holdout[::4], offline=True)
    assert offline_tops == tops[::4]  # the same answers from disk as from the web


@pytest.mark.national
def test_exact_national_names_without_diacritics_come_first(page, national, national_site) -> None:
    entries = load_catalogue(national).catalogue.entries
    wrong = []
    with serve(national_site) as base:
        for query in _exact_name_queries(entries, 20):
            top = _top(page, _search_url(base, query["q"]), 1)
            if not top or top[0] not in query["expect"]:
                wrong.append(f"{query['q']!r} → {top} (expected {query['expect']})")
    assert wrong == []


# --- Search II: the words people actually use (examples of our own, on the sample) ----------


def _state(page, base: str, query: str) -> dict:
    page.goto(_search_url(base, query))
    page.wait_for_selector("#tthc-results[data-state=done]", state="attached")
    return {"codes": page.eval_on_selector_all("#tthc-results li", "els => els.map(e => e.dataset.code)"),
            "status": page.inner_text("#tthc-status"),
            "help": page.inner_text("#tthc-help") if page.is_visible("#tthc-help") else "",
            "suggest": page.inner_text("#tthc-suggest") if page.is_visible("#tthc-suggest") else ""}


@pytest.mark.parametrize("query", ["1.001193", "1 001193", "1,001193", "1001193", "001193", "thủ tục 1.001193",
                                   "1.00 1193", "1 001 193"])
def test_a_code_typed_any_way_finds_its_procedure(page, sample_server, query) -> None:
    assert _state(page, sample_server, query)["codes"][0] == "1.001193"


def test_a_code_with_one_digit_wrong_still_finds_it_below_exact_codes(page, sample_server) -> None:
    assert _state(page, sample_server, "1.001198")["codes"][0] == "1.001193"


@pytest.mark.parametrize("query, code", [
    ("ddawng kys khai sinh", "1.001193"),  # Telex with the input method off
    ("ddawng kys kaet hon", "1.000894"),  # … and a slip besides
    ("khai tuwr", "1.000656"),
])
def test_telex_left_in_the_words_is_read_as_vietnamese(page, sample_server, query, code) -> None:
    assert code in _state(page, sample_server, query)["codes"][:2]


@pytest.mark.parametrize("query, code", [
    ("đăng ký kết hôn cần những gì", "1.000894"),
    ("cho hỏi làm lại giấy phép lái xe mất bao lâu", "3.000348"),
    ("dang ky tam tru het bao nhieu tien", "1.004194"),
    ("khai tử cho bố ở đâu", "1.000656"),
])
def test_questions_lose_their_frame_and_keep_the_content_words(page, sample_server, query, code) -> None:
    assert code in _state(page, sample_server, query)["codes"][:2]


@pytest.mark.parametrize("query, code", [
    ("mất bằng lái", "3.000348"),
    ("làm giấy chứng tử", "1.000656"),
    ("mo quan an", "1.001612"),
    ("đổi tên cho con", "1.004859"),
    ("giấy độc thân", "1.004873"),
    ("mở tiệm tạp hóa", "1.001612"),  # two everyday words, each a concept of the lexicon
    ("lãnh thay bảo hiểm xã hội cho mẹ", "1.001601"),  # the South's "lãnh" for "lĩnh"
])
def test_everyday_words_reach_the_official_procedure(page, sample_server, query, code) -> None:
    assert code in _state(page, sample_server, query)["codes"][:3]


def test_a_rare_concept_outweighs_the_common_words_around_it(page, sample_server) -> None:
    codes = _state(page, sample_server, "LLTP bị sai thông tin cần cấp lại")["codes"]
    names = {e.procedure.code: e.procedure.name for e in load_catalogue(ROOT / "procedures").catalogue.entries}
    assert codes and all("lý lịch tư pháp" in names[c].lower() for c in codes[:2])


def test_a_typo_is_read_as_the_closest_word_and_offered_as_a_corrected_query(page, sample_server) -> None:
    state = _state(page, sample_server, "xac nhan tinh trang hon nhn")
    assert state["codes"][0] == "1.004873"
    assert state["suggest"] == "Có phải bạn muốn tìm: xac nhan tinh trang hon nhan?"
    page.click("#tthc-suggest a")
    page.wait_for_function("() => document.querySelector('#tthc-q').value === 'xac nhan tinh trang hon nhan'")
    page.wait_for_selector("#tthc-results[data-state=done]", state="attached")
    assert "q=xac+nhan+tinh+trang+hon+nhan" in page.url
    assert page.locator("#tthc-results li").first.get_attribute("data-code") == "1.004873"


def test_weak_results_say_so_and_offer_ways_in_instead_of_noise(page, sample_server) -> None:
    state = _state(page, sample_server, "nuôi cá sấu làm cảnh")
    assert state["status"].startswith("Không có thủ tục nào khớp rõ với “nuôi cá sấu làm cảnh”")
    assert len(state["codes"]) <= 5
    assert "mọi lĩnh vực" in state["help"]
    for href in page.eval_on_selector_all("#tthc-help a", "els => els.map(e => e.href)"):
        assert page.request.get(href).ok, href  # every way in exists
    nothing = _state(page, sample_server, "qwzx vbnm")
    assert nothing["codes"] == [] and nothing["status"] == "Không tìm thấy thủ tục nào cho “qwzx vbnm”."
    assert "thủ tục theo cơ quan" in nothing["help"]


def test_a_precise_query_lists_its_answers_not_every_name_with_one_common_word(page, sample_server) -> None:
    entries = load_catalogue(ROOT / "procedures").catalogue.entries
    with_both = [e for e in entries if "khai sinh" in fold(e.procedure.name)]
    state = _state(page, sample_server, "đăng ký khai sinh")
    assert state["status"] == f"Tìm thấy {len(state['codes'])} thủ tục."
    assert len(state["codes"]) <= len(with_both) + 2  # not every “đăng ký …” of the catalogue
    assert len([e for e in entries if "dang ki" in fold(e.procedure.name)]) > len(state["codes"])


@pytest.mark.national
def test_typed_marks_tell_words_apart_and_rare_concepts_dominate_on_national(page, national_site) -> None:
    entries = load_catalogue(NATIONAL).catalogue.entries
    names = {e.procedure.code: e.procedure.name.lower() for e in entries}
    with serve(national_site) as base:
        mine = _state(page, base, "đóng cửa mỏ khoáng sản")["codes"][:5]
        assert mine and all(" mỏ " in f" {names[c]} " for c in mine)
        opened = _state(page, base, "công bố mở cảng cá")["codes"][:3]
        assert opened and all(" mở " in f" {names[c]} " for c in opened)
        record = _state(page, base, "LLTP bị sai thông tin")["codes"][:4]
        assert all("lý lịch tư pháp" in names[c] for c in record)


@pytest.mark.national
def test_names_abbreviations_idioms_synonym_marks_and_slips_in_context_on_national(page, national_site) -> None:
    """Each example is the developer's own (not from a query set), and each failed before
    the change it tests (checked against the engine of 0e94b58)."""
    names = {e.procedure.code: e.procedure.name.lower() for e in load_catalogue(NATIONAL).catalogue.entries}
    with serve(national_site) as base:
        # a name that says "BHYT … KCB" answers the words spelled out
        assert _state(page, base, "thanh toán chi phí bảo hiểm y tế với cơ sở khám chữa bệnh")["codes"][0] == "1.001909"
        # "nhập hộ khẩu" is an idiom for đăng ký thường trú: its words one by one are not "nhập khẩu"
        idiom = _state(page, base, "nhập hộ khẩu cho bà ngoại")["codes"][:5]
        assert idiom[0] == "1.004222" and not [c for c in idiom if "nhập khẩu" in names[c]]
        # "hết hạn" → đổi, with its marks: not the "đối" of "đối với"
        expired = _state(page, base, "the tam tru het han")["codes"][:5]
        assert "1.002755" in expired and not [c for c in expired if " đối " in f" {names[c]} " and "đổi" not in names[c]]
        # a slip is read as the word names put beside its neighbour, then with the synonyms
        slip = _state(page, base, "sang tne xe máy")
        assert slip["codes"][0] == "1.013076" and slip["suggest"] == "Có phải bạn muốn tìm: sang tên xe máy?"


@pytest.mark.national
def test_names_are_read_quickly_as_the_plain_way_reads_them_on_national(page, national_site) -> None:
    """Every national name, folded all at once as one call a name folds it (and as Python
    does), and the marks of each of its words found by spelling as taking it letter by letter
    finds them: the quick ways must not change a single ranking."""
    odd = ["  a\t\tb  ", "giấy–phép", "“Kỳ” (ky) y tế,, ", "\u00a0x\u200by ", "", "ﬁ İ Σ", "ĐĐ đ-Đ"]
    with serve(national_site) as base:
        page.goto(base + "tim-kiem/")
        page.wait_for_selector("#tthc-results[data-state=done]", state="attached")
        names = page.evaluate("tthcSearch.names()")
        assert len(names) == len(load_catalogue(NATIONAL).catalogue.entries)
        texts = names + odd
        assert page.evaluate("texts => tthcSearch.foldAll(texts)", texts) == [fold(t) for t in texts]
        differ = page.evaluate("""() => tthcSearch.names().flatMap((name, id) => {
            const parts = tthcSearch.decompose(name), want = {};
            parts.words.forEach((w, i) => (want[w] = want[w] || []).push(parts.marks[i] || {tone: "", shapes: ""}));
            return Object.keys(want).filter(w => JSON.stringify(tthcSearch.marksIn(id, w)) !== JSON.stringify(want[w]))
                .map(w => name + " / " + w);
        })""")
        assert differ == []
        # a word that is also a property of every JavaScript object is an ordinary unknown word
        assert _state(page, base, "constructor __proto__ hasOwnProperty")["codes"] == []


@pytest.mark.national
def test_question_frames_inside_a_query_are_not_its_content_on_national(page, national_site) -> None:
    """How a question bends the verb ("có phải", "mất bao nhiêu ngày", "bao giờ thì có") is not
    what is asked: each example failed on the engine of 6cb4cee, where "mất" was "bị mất" and
    "có" was "có yếu tố nước ngoài"."""
    names = {e.procedure.code: e.procedure.name.lower() for e in load_catalogue(NATIONAL).catalogue.entries}
    with serve(national_site) as base:
        days = _state(page, base, "xin giấy phép xây nhà mất bao nhiêu ngày")["codes"][:5]
        assert days and all("xây dựng" in names[c] and "mất" not in names[c] for c in days)
        assert "thuế" in names[_state(page, base, "cho thuê nhà có phải đóng thuế")["codes"][0]]
        assert _state(page, base, "dang ky khai sinh bao gio thi co")["codes"][0] == "1.001193"
        # "có căn cước" is no frame: "can cuoc" is a word of the names
        card = _state(page, base, "nguoi chua co can cuoc lam the nao")["codes"][:5]
        assert card and all("căn cước" in names[c] for c in card)
