"""``python -m generator new``: a valid, commented procedure file to start from.

Checked against the catalogue before anything is written, and never overwrites: an
editor's existing work is worth more than a template.
"""

from __future__ import annotations

import difflib
import json
import os
from datetime import date
from pathlib import Path

from generator.model import CODE_PATTERN, Catalogue
from generator import placeholders
from generator import schema as schemas
from generator.pages import environment
from generator.schema import SCHEMA_DIR

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class ScaffoldError(Exception):
    """A message for the editor, in Vietnamese."""


def _pick(value: str, known: dict, what: str) -> str:
    if value in known:
        return value
    close = difflib.get_close_matches(value, list(known), n=1)
    hint = f"; có phải là “{close[0]}”?" if close else f"; có: {', '.join(sorted(known))}"
    raise ScaffoldError(f"{what} “{value}” không có trong catalogue.yml{hint}")


def new_procedure(catalogue: Catalogue, *, code: str, name: str, agency: str, field: str,
                  tiers: list[str], level: int, online_url: str | None = None,
                  today: date | None = None) -> Path:
    if not CODE_PATTERN.fullmatch(code):
        raise ScaffoldError(f"mã thủ tục “{code}” chỉ được gồm chữ, số, dấu chấm và gạch ngang, ví dụ 1.001193")
    if not name.strip():
        raise ScaffoldError("tên thủ tục không được để trống")
    if level not in (1, 2, 3, 4):
        raise ScaffoldError("mức độ phải là 1, 2, 3 hoặc 4")
    agency = _pick(agency, catalogue.agencies, "cơ quan")
    field = _pick(field, catalogue.fields, "lĩnh vực")
    tiers = [_pick(t, catalogue.tiers, "cấp") for t in tiers] or [next(iter(catalogue.tiers))]
    guessed = not online_url and level >= 3  # the portal's address, for the editor to check
    online_url = online_url or (catalogue.info.portal_url if level >= 3 else None)
    if level >= 3 and not online_url:
        raise ScaffoldError("thủ tục mức độ 3, 4 cần địa chỉ nộp trực tuyến: thêm --online-url https://…")
    existing = {e.procedure.code: e.source for e in catalogue.entries + catalogue.drafts}
    if code in existing:
        raise ScaffoldError(f"mã “{code}” đã có trong {existing[code]}")
    target = catalogue.directory / field / f"{code}.yml"
    if target.exists():
        raise ScaffoldError(f"tệp {target} đã có; không ghi đè")
    schema = os.path.relpath(catalogue.directory / SCHEMA_DIR / "procedure.schema.json", target.parent)
    env = environment(TEMPLATES, autoescape=False)
    quote = lambda text: json.dumps(text, ensure_ascii=False)  # noqa: E731 - a JSON string is valid YAML
    text = env.get_template("new-procedure.yml.j2").render(
        schema=Path(schema).as_posix(), code=quote(code), name=quote(name.strip()), agency=agency, field=field,
        tiers=tiers, level=level, today=(today or date.today()).isoformat(),
        rewrite=placeholders.REWRITE, check=placeholders.CHECK, guessed=guessed,
        online_url=quote(online_url) if online_url else None)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not (catalogue.directory / SCHEMA_DIR / "procedure.schema.json").exists():
        schemas.write(catalogue.directory, catalogue.info)  # what the file's first line points to
    with open(target, "x", encoding="utf-8") as out:  # "x": fail rather than overwrite
        out.write(text)
    return target


def adopt(catalogue: Catalogue, base, code: str, overrides: dict | None = None) -> Path:
    """The two-line adoption of a base procedure: ``code`` and ``inherit: true``, then
    ``overrides`` (JSON values, which YAML reads back exactly), e.g. from an import.

    ``base``: the ``LoadResult`` of the catalogue's base. The file goes where a full file
    would, in the folder of the procedure's field, and never overwrites one.
    """
    from generator.layers import BaseProcedure, source_name

    if base is None or base.catalogue is None:
        raise ScaffoldError("catalogue.yml chưa khai báo bộ gốc (base) dùng được, nên chưa kế thừa được thủ tục nào")
    lent = base.inheritable.get(code)
    if lent is None:
        close = difflib.get_close_matches(code, list(base.inheritable), n=1, cutoff=0.8)
        hint = f"; có phải là “{close[0]}”?" if close else ""
        raise ScaffoldError(f"bộ gốc không có thủ tục mã “{code}”{hint}")
    if not isinstance(lent, BaseProcedure):
        raise ScaffoldError(f"thủ tục “{code}” của bộ gốc có lỗi ({lent}); hãy chạy validate để xem")
    existing = {e.procedure.code: e.source for e in catalogue.entries + catalogue.drafts}
    if code in existing:
        raise ScaffoldError(f"mã “{code}” đã có trong {existing[code]}")
    procedure = lent.entry.procedure
    target = catalogue.directory / procedure.field / f"{code}.yml"
    if target.exists():
        raise ScaffoldError(f"tệp {target} đã có; không ghi đè")
    schema = os.path.relpath(catalogue.directory / SCHEMA_DIR / "procedure.schema.json", target.parent)
    text = (f"# yaml-language-server: $schema={Path(schema).as_posix()}\n"
            f"# {procedure.name}\n"
            f"# Nội dung theo {source_name(base.catalogue.info)}. Khóa nào ghi thêm dưới đây (agency, channels…)\n"
            "# thì thay cả khóa đó của bộ gốc; xem trang soan-thao/ của trang web, mục “Kế thừa từ bộ gốc”.\n"
            f"code: {json.dumps(code)}\ninherit: true\n"
            + "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in (overrides or {}).items()))
    target.parent.mkdir(parents=True, exist_ok=True)
    if not (catalogue.directory / SCHEMA_DIR / "procedure.schema.json").exists():
        schemas.write(catalogue.directory, catalogue.info)
    with open(target, "x", encoding="utf-8") as out:
        out.write(text)
    return target
