"""The catalogue as published data: ``procedures.json``, its JSON Schema and one file per procedure.

The published models extend the format's own (``generator.model``), so every key an
editor writes is published under the same name, with the same description, and a key
added to the format reaches the open data and its schema without an edit here. Only
what the site adds is new: the site-relative address of each page and form file.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from generator.model import CatalogueInfo, Entry, Event, EventStep, Form, Procedure

DIALECT = "https://json-schema.org/draft/2020-12/schema"


class PublishedForm(Form):
    url: str | None = Field(None, description="Địa chỉ tải tệp mẫu, tính từ gốc trang web; null khi mẫu không có "
                            "tệp để tải", examples=["thu-tuc/1.001193/to-khai-dang-ky-khai-sinh.docx"])


class PublishedProvenance(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    base: str = Field(description="Bộ thủ tục gốc mà nội dung thủ tục lấy từ đó",
                      examples=["Cơ sở dữ liệu quốc gia về thủ tục hành chính"])
    local_keys: list[str] = Field(description="Các khóa tỉnh tự quy định thay cho bộ gốc; mọi khóa khác theo bộ gốc",
                                  examples=[["agency", "channels"]])


class PublishedProcedure(Procedure):
    forms: list[PublishedForm] = Field([], description="Mẫu đơn, tờ khai của thủ tục, kèm địa chỉ tải về")
    url: str = Field(description="Địa chỉ trang của thủ tục, tính từ gốc trang web", examples=["thu-tuc/1.001193/"])
    provenance: PublishedProvenance | None = Field(
        None, description="Nguồn nội dung khi tỉnh kế thừa thủ tục từ bộ gốc (inherit: true); null khi tỉnh "
        "viết đủ thủ tục")


class PublishedEventStep(EventStep):
    name: str = Field(description="Tên thủ tục ở bước này", examples=["Thủ tục đăng ký khai sinh"])
    url: str | None = Field(None, description="Địa chỉ trang của thủ tục ở bước này, tính từ gốc trang web; null khi "
                            "thủ tục chưa lên trang web (tệp khung)", examples=["thu-tuc/1.001193/"])


class PublishedEvent(Event):
    steps: list[PublishedEventStep] = Field(min_length=1, description="Các bước theo thứ tự, mỗi bước một thủ tục, "
                                            "kèm tên và địa chỉ trang của thủ tục")
    url: str = Field(description="Địa chỉ trang của sự kiện, tính từ gốc trang web", examples=["su-kien/sinh-con/"])


class PublishedCatalogue(BaseModel):
    # No docstring: pydantic would publish it as the schema's description, which readers get in Vietnamese.
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, title="procedures.json",
                              json_schema_extra={"description": "Bộ thủ tục hành chính của tỉnh, dữ liệu mở: "
                                                 "thông tin chung, mọi thủ tục và số liệu thống kê"})

    catalogue: CatalogueInfo = Field(description="Thông tin chung của bộ thủ tục và các danh mục cấp thực hiện, "
                                     "lĩnh vực, cơ quan (như trong catalogue.yml)")
    procedures: list[PublishedProcedure] = Field(description="Mọi thủ tục, xếp theo mã thủ tục")
    events: list[PublishedEvent] = Field([], description="Các sự kiện (events.yml): những việc cần làm nhiều thủ "
                                         "tục, mỗi sự kiện liệt kê các thủ tục theo thứ tự; theo thứ tự trong tệp")
    statistics: dict[str, Any] = Field(description="Số liệu thống kê của bộ thủ tục: số thủ tục theo mức độ, "
                                       "lĩnh vực, cơ quan, cấp và tỉ lệ thủ tục mức độ 3–4")


@cache
def schema() -> dict:
    """Made from the models, never by hand: it cannot drift from what ``record`` writes."""
    return {"$schema": DIALECT, **PublishedCatalogue.model_json_schema()}


def record(entry: Entry, page_url: str, form_urls: dict[str, str]) -> dict:
    """Every key of the procedure, absent ones as null, plus the site's addresses and,
    for an inherited procedure, which values the province set on top of its base."""
    out = entry.procedure.model_dump(mode="json")
    out["url"] = page_url
    for form in out["forms"]:
        form["url"] = form_urls.get(form["id"])
    source = entry.provenance
    out["provenance"] = {"base": source.base_name, "local_keys": sorted(source.local_keys)} if source else None
    return out


def event_record(event: Event, url: str, names: dict[str, str], pages: dict[str, str]) -> dict:
    """An event as published: its keys, each step's procedure name and page (null for a draft)."""
    out = event.model_dump(mode="json")
    out["url"] = url
    for step in out["steps"]:
        step["name"] = names[step["procedure"]]
        step["url"] = pages.get(step["procedure"])
    return out
