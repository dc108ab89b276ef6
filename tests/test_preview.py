"""The preview's incremental steps give exactly what a whole build would, and no more work.

Every save goes through ``loader.FileMemo`` and ``pages.Memo``; a stale input key
would show an editor an old page, so each kind of edit is compared with a fresh
generation, and the set of pages that were rendered again is checked too.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import ROOT
from generator import loader
from generator.loader import load_catalogue, load_catalogue_cached
from generator.pages import Memo, generate

TEMPLATES = ROOT / "templates"
KHAI_SINH = Path("ho-tich/1.001193.yml")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    _touch_later(path)


def _touch_later(path: Path) -> None:
    """Some file systems keep coarse times; make the edit visible whatever they keep."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def _generate(catalogue_dir: Path, memo: Memo):
    result = load_catalogue_cached(catalogue_dir)
    assert result.ok, [str(d) for d in result.diagnostics]
    return generate(result.catalogue, TEMPLATES, True, memo)


def _add_procedure(catalogue: Path) -> None:
    text = (catalogue / KHAI_SINH).read_text(encoding="utf-8")
    (catalogue / "ho-tich" / "9.999999.yml").write_text(
        text.replace('code: "1.001193"', 'code: "9.999999"').replace("name: Đăng ký khai sinh", "name: Thủ tục mới"),
        encoding="utf-8")


def _grow_form(catalogue: Path) -> None:
    form = catalogue / "ho-tich" / "mau" / "to-khai.pdf"
    form.write_bytes(form.read_bytes() + b"%" * 5000)
    _touch_later(form)


EDITS = {
    "rename": (lambda c: _edit(c / KHAI_SINH, "name: Đăng ký khai sinh", "name: Đăng ký khai sinh (sửa)"),
               {"thu-tuc/1.001193/index.md", "linh-vuc/ho-tich/index.md", "co-quan/ubnd-xa/index.md",
                "cap/xa/index.md", "muc-do/4/index.md", "bieu-mau/index.md",
                "index.md",  # the home page lists it among the most-used procedures
                "du-lieu/index.md"}),  # the open-data page shows the files' sizes
    "level": (lambda c: _edit(c / KHAI_SINH, "level: 4", "level: 3"),
              {"thu-tuc/1.001193/index.md", "linh-vuc/ho-tich/index.md", "co-quan/ubnd-xa/index.md",
               "cap/xa/index.md", "muc-do/index.md", "muc-do/3/index.md", "index.md",
               "thong-ke/index.md"}),
    "fee": (lambda c: _edit(c / KHAI_SINH, "fee: Miễn lệ phí", "fee: 8.000 đồng"),
            {"thu-tuc/1.001193/index.md", "du-lieu/index.md"}),
    "agency name": (lambda c: _edit(c / "catalogue.yml", "name: Ủy ban nhân dân xã Kiểm Thử",
                                    "name: UBND xã Kiểm Thử"), None),  # every page may name it
    "form size": (_grow_form, {"thu-tuc/1.001193/index.md", "bieu-mau/index.md"}),
    "new procedure": (_add_procedure, {"thu-tuc/9.999999/index.md", "linh-vuc/ho-tich/index.md",
                                       "co-quan/ubnd-xa/index.md", "cap/xa/index.md", "muc-do/4/index.md",
                                       "bieu-mau/index.md", "index.md", "linh-vuc/index.md",
                                       "co-quan/index.md", "cap/index.md", "muc-do/index.md",
                                       "thong-ke/index.md", "du-lieu/index.md"}),
    "removed procedure": (lambda c: (c / "chung-thuc" / "2.000815.yml").unlink(), None),
}


@pytest.mark.parametrize("edit", EDITS)
def test_memo_regenerates_what_a_fresh_generation_would(base_catalogue: Path, edit: str) -> None:
    apply, expected_rendered = EDITS[edit]
    memo = Memo()
    before = _generate(base_catalogue, memo)
    apply(base_catalogue)
    after = _generate(base_catalogue, memo)
    fresh = generate(load_catalogue(base_catalogue).catalogue, TEMPLATES, True)

    assert [(p.path, p.title, p.markdown) for p in after.pages] == [(p.path, p.title, p.markdown) for p in fresh.pages]
    assert after.data == fresh.data
    assert after.assets == fresh.assets
    reused = {id(p) for p in before.pages}
    rendered = {p.path for p in after.pages if id(p) not in reused}
    if expected_rendered is not None:
        assert rendered == expected_rendered
    else:
        assert rendered  # something was rendered again; equality above says it was right


def test_a_save_reads_only_the_saved_file(base_catalogue: Path, monkeypatch) -> None:
    load_catalogue_cached(base_catalogue)
    read = []
    original = loader.read_yaml
    monkeypatch.setattr(loader, "read_yaml", lambda path, display: read.append(path.name) or original(path, display))
    _edit(base_catalogue / KHAI_SINH, "fee: Miễn lệ phí", "fee: 8.000 đồng")
    result = load_catalogue_cached(base_catalogue)
    assert read == ["1.001193.yml"]
    fees = {c.fee for e in result.catalogue.entries if e.procedure.code == "1.001193" for c in e.procedure.channels}
    assert "8.000 đồng" in fees


def test_a_fixed_form_file_clears_its_error_without_touching_the_procedure(base_catalogue: Path) -> None:
    """Disk checks are not memoised: adding the missing file is the fix."""
    form = base_catalogue / "ho-tich" / "mau" / "to-khai.pdf"
    kept = form.read_bytes()
    form.unlink()
    assert not load_catalogue_cached(base_catalogue).ok
    form.write_bytes(kept)
    assert load_catalogue_cached(base_catalogue).ok


def test_memo_costs_little_on_the_national_catalogue(national: Path, tmp_path: Path) -> None:
    """Not a timing assertion: the work counted is what must stay small (figures: benchmarks/preview.py)."""
    catalogue = tmp_path / "national"
    shutil.copytree(national, catalogue)
    memo = Memo()
    before = _generate(catalogue, memo)
    target = next(iter(sorted(catalogue.rglob("*.yml"))[100:]))
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("\nname: ", "\nname: Đã sửa ", 1), encoding="utf-8")
    _touch_later(target)
    started = time.monotonic()
    after = _generate(catalogue, memo)
    reused = {id(p) for p in before.pages}
    rendered = [p.path for p in after.pages if id(p) not in reused]
    assert len(after.pages) > 3000
    assert len(rendered) <= 6, rendered
    assert any(p.title.startswith("Đã sửa ") for p in after.pages if p.path in rendered)
    print(f"national: {len(rendered)} pages regenerated in {time.monotonic() - started:.2f} s")


def test_a_save_in_the_base_reaches_the_adopted_pages_and_only_them(tmp_path: Path) -> None:
    """A base outside the province's folder is part of what the preview watches and reloads."""
    shutil.copytree(ROOT / "tests" / "fixtures" / "layered", tmp_path / "layered")
    province, national = tmp_path / "layered" / "province", tmp_path / "layered" / "national"
    memo = Memo()
    before = {p.path: p.markdown for p in _generate(province, memo).pages}
    assert load_catalogue_cached(province).layers == [province, national]
    _edit(national / KHAI_SINH, "  - Nhận Giấy khai sinh.", "  - Nhận Giấy khai sinh và bản sao.")
    _edit(national / "ho-tich" / "1.000894.yml", "fee: Miễn lệ phí", "fee: 8.000 đồng")  # overridden
    after = {p.path: p.markdown for p in _generate(province, memo).pages}
    fresh = {p.path: p.markdown for p in generate(load_catalogue(province).catalogue, TEMPLATES).pages}
    assert after == fresh
    changed = {path for path in after if after[path] != before.get(path)}
    assert changed == {"thu-tuc/1.001193/index.md"}
    assert "Nhận Giấy khai sinh và bản sao." in after["thu-tuc/1.001193/index.md"]


EVENTS_YML = ('events:\n  - id: giay-to\n    title: Giấy tờ\n    summary: Khai sinh rồi chứng thực.\n    steps:\n'
              '      - procedure: "1.001193"\n      - procedure: "2.000815"\n')


@pytest.mark.parametrize("edit, expected", [
    ("retitle", {"su-kien/index.md", "su-kien/giay-to/index.md", "thu-tuc/1.001193/index.md",
                 "thu-tuc/2.000815/index.md", "index.md"}),
    ("rename a step", {"thu-tuc/1.001193/index.md", "linh-vuc/ho-tich/index.md", "co-quan/ubnd-xa/index.md",
                       "cap/xa/index.md", "muc-do/4/index.md", "bieu-mau/index.md", "index.md",
                       "su-kien/giay-to/index.md",  # the step's name
                       "thu-tuc/2.000815/index.md"}),  # its “Bước trước” names it
    ("remove the file", {"thu-tuc/1.001193/index.md", "thu-tuc/2.000815/index.md", "index.md"}),
])
def test_an_events_edit_renders_again_the_event_and_its_steps_pages(base_catalogue: Path, edit: str,
                                                                    expected: set[str]) -> None:
    events = base_catalogue / "events.yml"
    events.write_text(EVENTS_YML, encoding="utf-8")
    memo = Memo()
    before = _generate(base_catalogue, memo)
    if edit == "retitle":
        _edit(events, "title: Giấy tờ", "title: Làm giấy tờ")
    elif edit == "rename a step":
        _edit(base_catalogue / KHAI_SINH, "name: Đăng ký khai sinh", "name: Đăng ký khai sinh (sửa)")
    else:
        events.unlink()
    after = _generate(base_catalogue, memo)
    fresh = generate(load_catalogue(base_catalogue).catalogue, TEMPLATES, True)
    assert [(p.path, p.markdown) for p in after.pages] == [(p.path, p.markdown) for p in fresh.pages]
    assert after.data == fresh.data
    reused = {id(p) for p in before.pages}
    rendered = {p.path for p in after.pages if id(p) not in reused}
    assert rendered - {"du-lieu/index.md"} == expected  # the data page: when a file's shown size changes
    if edit == "remove the file":  # no events left: no event page either
        assert not [p.path for p in after.pages if p.path.startswith("su-kien/")]
