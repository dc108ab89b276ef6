"""The search index: folding, determinism, and what the build reports."""

from __future__ import annotations

import pytest

from conftest import BASE
from generator.loader import load_catalogue
from generator.search import build_index, fold, synonyms_for


@pytest.mark.parametrize("text, folded", [
    ("Đăng ký kết hôn", "dang ki ket hon"),
    ("ĐĂNG KÝ KHAI SINH", "dang ki khai sinh"),
    ("dang ky khai sinh", "dang ki khai sinh"),
    ("Lý lịch tư pháp", "li lich tu phap"),
    ("lí lịch", "li lich"),
    ("Quý, quí, quy trình", "qui qui qui trinh"),
    ("Mỹ Tho; Thủy lợi; khuyến nông; yêu cầu", "mi tho thuy loi khuyen nong yeu cau"),
    ("Mã 1.000894 (GPLX/CCCD)", "ma 1 000894 gplx cccd"),
    ("  nhiều   khoảng  trắng\t", "nhieu khoang trang"),
    ("Ư Ơ Ă Â Ê Ô đ Đ", "u o a a e o d d"),
])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_index_is_deterministic_and_covers_every_procedure() -> None:
    catalogue = load_catalogue(BASE).catalogue
    first, second = build_index(catalogue), build_index(catalogue)
    assert first.files() == second.files()
    core = first.core
    assert core.startswith("tthcSearch.core(") and '"1.001193"' in core and '"2.000815"' in core
    body = "".join(first.shards.values())
    assert '"chung":' in body and '"sinh":' in body  # body words of the two procedures


def test_synonyms_extend_the_defaults(base_catalogue) -> None:
    (base_catalogue / "synonyms.yml").write_text("giấy khai sinh: [trích lục khai sinh]\nTTHC: [thủ tục]\n",
                                                 encoding="utf-8")
    result = load_catalogue(base_catalogue)
    assert result.ok
    synonyms = dict(synonyms_for(result.catalogue))
    assert synonyms["gplx"] == ["giấy phép lái xe"]
    # the province's phrase joins the tool's under the tool's spelling of the key, marks kept
    assert synonyms["giấy khai sinh"] == ["khai sinh", "trích lục khai sinh"]
    assert synonyms["tthc"] == ["thủ tục"]


def test_synonyms_that_fold_alike_are_one(base_catalogue) -> None:
    (base_catalogue / "synonyms.yml").write_text("giay khai sinh: [Khai sinh, trích lục]\n", encoding="utf-8")
    synonyms = synonyms_for(load_catalogue(base_catalogue).catalogue)
    assert [v for k, v in synonyms if fold(k) == "giay khai sinh"] == [["khai sinh", "trích lục"]]


def test_invalid_synonyms_file_is_a_diagnostic(base_catalogue) -> None:
    (base_catalogue / "synonyms.yml").write_text("gplx: giấy phép lái xe\n", encoding="utf-8")
    result = load_catalogue(base_catalogue, display_root=base_catalogue)
    assert [(d.file, d.line, d.column, d.key) for d in result.diagnostics] == [("synonyms.yml", 1, 7, "gplx")]
