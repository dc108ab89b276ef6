"""Rules that span keys, files or the disk: what pydantic cannot see in one file."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from generator.diagnostics import Diagnostic
from generator.model import DOCUMENT_EXTENSIONS, Catalogue, Procedure
from generator.yamlsource import YamlDocument, dotted

_REGISTRY_NAMES = {"tiers": "cấp thực hiện", "fields": "lĩnh vực", "agencies": "cơ quan"}


def _at(display: str, doc: YamlDocument, path: tuple, message: str) -> Diagnostic:
    line, col = doc.position(path)
    return Diagnostic(display, line, col, dotted(path), message)


def check_registries(data: object, doc: YamlDocument, display: str) -> list[Diagnostic]:
    """Duplicate ids in catalogue.yml, read from the raw data so they are reported
    even when other keys of the file are invalid."""
    out = []
    for registry in _REGISTRY_NAMES:
        items = data.get(registry) if isinstance(data, dict) else None
        seen: dict[str, int] = {}
        for i, item in enumerate(items if isinstance(items, list) else []):
            entry_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(entry_id, str):
                continue
            if entry_id in seen:
                out.append(_at(display, doc, (registry, i, "id"),
                               f"mã “{entry_id}” bị trùng với mục thứ {seen[entry_id] + 1} của {registry}"))
            seen.setdefault(entry_id, i)
    return out


def _unknown(value: str, known, registry: str) -> str:
    close = difflib.get_close_matches(value, list(known), n=1)
    hint = f"; có phải là “{close[0]}”?" if close else ""
    return f"“{value}” không có trong danh mục {_REGISTRY_NAMES[registry]} ({registry}) của catalogue.yml{hint}"


def check_procedure(p: Procedure, doc: YamlDocument, display: str, source: Path,
                    catalogue: Catalogue) -> list[Diagnostic]:
    out = []
    if p.agency not in catalogue.agencies:
        out.append(_at(display, doc, ("agency",), _unknown(p.agency, catalogue.agencies, "agencies")))
    if p.field not in catalogue.fields:
        out.append(_at(display, doc, ("field",), _unknown(p.field, catalogue.fields, "fields")))
    for i, tier in enumerate(p.tiers):
        if tier not in catalogue.tiers:
            out.append(_at(display, doc, ("tiers", i), _unknown(tier, catalogue.tiers, "tiers")))
    if p.level >= 3 and not p.online_url:
        out.append(_at(display, doc, ("level",),
                       f"thủ tục mức độ {p.level} phải có online_url (địa chỉ nộp hồ sơ trực tuyến)"))

    form_ids: dict[str, int] = {}
    for i, form in enumerate(p.forms):
        if form.id in form_ids:
            out.append(_at(display, doc, ("forms", i, "id"),
                           f"mã mẫu “{form.id}” bị trùng với mẫu thứ {form_ids[form.id] + 1}"))
        form_ids.setdefault(form.id, i)
        problem = _form_file_problem(form.file, source, catalogue.directory)
        if problem:
            out.append(_at(display, doc, ("forms", i, "file"), problem))
    for i, document in enumerate(p.documents):
        if document.form and document.form not in form_ids:
            close = difflib.get_close_matches(document.form, list(form_ids), n=1)
            hint = f"; có phải là “{close[0]}”?" if close else ""
            out.append(_at(display, doc, ("documents", i, "form"),
                           f"mẫu “{document.form}” không được khai báo trong forms của thủ tục này{hint}"))
    return out


def _form_file_problem(file: str, source: Path, directory: Path) -> str | None:
    if os.path.isabs(file) or file.startswith(("/", "\\")):
        return f"đường dẫn “{file}” phải tính từ thư mục chứa tệp thủ tục, không phải đường dẫn tuyệt đối"
    target = os.path.realpath(source.parent / file)
    root = os.path.realpath(directory)
    if os.path.commonpath([target, root]) != root:
        return f"tệp “{file}” nằm ngoài thư mục bộ thủ tục; hãy chép tệp vào trong thư mục"
    extension = file.rsplit(".", 1)[-1].lower() if "." in os.path.basename(file) else ""
    if extension not in DOCUMENT_EXTENSIONS:
        return f"tệp “{file}” không phải tài liệu; chỉ nhận {', '.join(DOCUMENT_EXTENSIONS)}"
    if not os.path.isfile(target):
        return f"không tìm thấy tệp “{file}”"
    return None


def check_unique_codes(parsed) -> list[Diagnostic]:
    out = []
    first: dict[str, tuple[str, int]] = {}
    for procedure, doc, _path, display in parsed:
        line = doc.position(("code",))[0]
        if procedure.code in first:
            where, where_line = first[procedure.code]
            out.append(_at(display, doc, ("code",),
                           f"mã thủ tục “{procedure.code}” đã dùng trong {where} (dòng {where_line})"))
        else:
            first[procedure.code] = (display, line)
    return out
