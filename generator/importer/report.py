"""What an import did, row by row, in the words the editor reads after it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator import placeholders
from generator.importer.registry import REGISTRIES
from generator.loader import display_path


@dataclass
class Outcome:
    row: int
    path: Path | None = None  # created, or to be created in a dry run
    reason: str | None = None  # why the row was skipped
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    source: Path
    sheet: str | None
    header_row: int
    ignored_columns: list[str]
    missing_columns: list[str]  # columns a stub needs that the header does not have, as editors name them
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    added: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    by_slug: list[tuple[str, str, str, str]] = field(default_factory=list)  # registry, text, id, name
    numeric_codes: int = 0
    information_levels: int = 0
    inherited: int = 0  # rows that became inherit: true files

    @property
    def created(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.path is not None]

    @property
    def skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.path is None]

    def lines(self, root: Path) -> list[str]:
        out = []
        if self.dry_run:
            out.append("Chạy thử (--dry-run): không ghi tệp nào.")
        where = f", trang tính “{self.sheet}”" if self.sheet else ""
        out.append(f"Đọc {self.source.name}{where}: dòng tiêu đề là dòng {self.header_row}.")
        if self.ignored_columns:
            out.append("Không dùng các cột: " + ", ".join(f"“{c}”" for c in self.ignored_columns) + ".")
        if self.missing_columns:
            out.append("Bảng không có cột " + ", ".join(f"“{c}”" for c in self.missing_columns) + ": thủ tục mà bộ "
                       "gốc chưa có cần cột này (hoặc dòng tiêu đề phần như “Lĩnh vực …”) mới tạo được tệp; hãy "
                       "thêm cột vào bảng rồi nhập lại.")
        verb = "sẽ tạo" if self.dry_run else "đã tạo"
        for o in self.outcomes:
            text = f"{verb} {display_path(o.path, root)}" if o.path else f"bỏ qua — {o.reason}"
            out.append(f"Dòng {o.row}: {text}" + (f" ({'; '.join(o.notes)})" if o.notes else ""))
        added = [(key, i, n) for key, items in self.added.items() for i, n in items]
        if added:
            out.append(("Sẽ thêm" if self.dry_run else "Đã thêm") + " vào catalogue.yml: "
                       + "; ".join(f"{REGISTRIES[k]} “{n}” ({i})" for k, i, n in added) + ".")
        if self.by_slug:
            out.append("Ghép theo mã, hãy kiểm tra: " + "; ".join(
                f"{REGISTRIES[k]} “{text}” → “{name}” ({i})" for k, text, i, name in self.by_slug) + ".")
        counts = ", ".join(f"{len(self.added[k])} {REGISTRIES[k]}" for k in REGISTRIES if self.added.get(k))
        skipped = len(self.outcomes) - len(self.created)
        registry = (f"{'sẽ thêm' if self.dry_run else 'thêm'} {counts} vào catalogue.yml" if counts
                    else "catalogue.yml không đổi")
        kinds = (f" ({self.inherited} tệp kế thừa bộ gốc, {len(self.created) - self.inherited} tệp khung)"
                 if self.inherited else "")
        out.append(f"{'Sẽ tạo' if self.dry_run else 'Đã tạo'} {len(self.created)} tệp{kinds}, bỏ qua {skipped} dòng; "
                   f"{registry}.")
        if self.information_levels:
            out.append(f"Lưu ý: {self.information_levels} thủ tục “cung cấp thông tin trực tuyến” được ghi mức độ 1, "
                       "không phải 2, vì mức độ 2 nghĩa là có biểu mẫu tải về; hãy sửa thành 2 nếu có biểu mẫu.")
        if self.numeric_codes:
            out.append(f"Lưu ý: {self.numeric_codes} mã được Excel lưu dạng số (đã đọc được đủ chữ số). "
                       "Nên định dạng cột mã là Văn bản (Text) để Excel không làm mất số 0 ở cuối mã.")
        if self.dry_run:
            out.append("Chạy lại không có --dry-run để tạo tệp.")
        elif self.created:
            out.append(f"Tiếp theo: điền nội dung các tệp vừa tạo (viết lại các dòng có “{placeholders.REWRITE}”, "
                       f"kiểm tra các giá trị có chú thích “{placeholders.CHECK}” rồi xóa chú thích) và chạy: "
                       "python -m generator validate. Tệp còn các dấu đó chưa lên trang web.")
        return out
