"""The catalogue format (version 1) as pydantic models.

The models are the single definition of the format: the validator, the JSON Schema
for editors' tools and the pages are all derived from them. Field descriptions are
Vietnamese because editors read them (in errors, the schema and the format page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*")
DOCUMENT_EXTENSIONS = ("pdf", "doc", "docx", "odt", "xls", "xlsx", "ods", "rtf")


def _check_id(value: str) -> str:
    if not ID_PATTERN.fullmatch(value):
        raise PydanticCustomError(
            "id_format",
            "mã “{value}” chỉ được gồm chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ “so-tu-phap”",
            {"value": value},
        )
    return value


def _check_code(value: str) -> str:
    if not CODE_PATTERN.fullmatch(value):
        raise PydanticCustomError(
            "code_format",
            "mã thủ tục “{value}” chỉ được gồm chữ, số, dấu chấm và gạch ngang, ví dụ “1.001193”",
            {"value": value},
        )
    return value


_NOT_IN_URLS = set('<>"{}|\\^`')


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in _NOT_IN_URLS or c.isspace() for c in value):
        raise PydanticCustomError(
            "url_scheme",
            "địa chỉ “{value}” phải là một liên kết web bắt đầu bằng https:// (hoặc http://), "
            "không có dấu cách và các ký tự < > \" { } | \\ ^ `",
            {"value": value},
        )
    return value


def _check_date(value: str) -> str:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "date_format", "ngày “{value}” không hợp lệ; hãy viết theo dạng \"NĂM-THÁNG-NGÀY\", ví dụ \"2026-11-25\"",
            {"value": value},
        ) from None
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), Field(json_schema_extra={"pattern": r"\S"})]
Id = Annotated[str, AfterValidator(_check_id), Field(json_schema_extra={"pattern": f"^{ID_PATTERN.pattern}$"})]
Url = Annotated[str, AfterValidator(_check_url),
                Field(json_schema_extra={"pattern": r"^https?://[^\s<>\"{}|\\^`/?#]+[^\s<>\"{}|\\^`]*$"})]
IsoDate = Annotated[str, AfterValidator(_check_date), Field(json_schema_extra={"format": "date"})]
Code = Annotated[str, AfterValidator(_check_code)]
Count = Annotated[int, Field(ge=0)]


class _Strict(BaseModel):
    """No coercion, no unknown keys; a key with an empty value counts as absent."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_empty(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


# --- catalogue.yml -----------------------------------------------------------------


class RegistryEntry(_Strict):
    id: Id = Field(description="Mã viết thường không dấu, ví dụ “tinh”")
    name: Text = Field(description="Tên hiển thị")


class Agency(RegistryEntry):
    address: Text | None = Field(None, description="Địa chỉ nơi tiếp nhận hồ sơ")
    phone: Text | None = Field(None, description="Số điện thoại")
    email: Text | None = Field(None, description="Thư điện tử")
    hours: Text | None = Field(None, description="Thời gian tiếp nhận hồ sơ")
    website: Url | None = Field(None, description="Trang thông tin điện tử")


class StatusLookup(_Strict):
    sms_number: Text | None = Field(None, description="Tổng đài nhận tin nhắn tra cứu, ví dụ \"8188\"")
    sms_syntax: Text | None = Field(None, description="Cú pháp tin nhắn, ví dụ “TTHC <mã hồ sơ>”")
    url: Url | None = Field(None, description="Trang tra cứu tình trạng hồ sơ")
    instructions: Text | None = Field(None, description="Hướng dẫn tra cứu trên trang web")


class CatalogueInfo(_Strict):
    title: Text = Field(description="Tên bộ thủ tục, dùng làm tên trang web")
    province: Text | None = Field(None, description="Địa phương, ví dụ “tỉnh Điện Biên”")
    portal_url: Url | None = Field(None, description="Cổng dịch vụ công của tỉnh")
    status_lookup: StatusLookup | None = Field(None, description="Cách tra cứu tình trạng hồ sơ")
    review_after_days: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Cảnh báo thủ tục có ngày kiểm tra (updated) cũ hơn số ngày này")
    tiers: list[RegistryEntry] = Field(min_length=1, description="Cấp thực hiện")
    fields: list[RegistryEntry] = Field(min_length=1, description="Lĩnh vực")
    agencies: list[Agency] = Field(min_length=1, description="Cơ quan thực hiện")


# --- one procedure file ---------------------------------------------------------------

ChannelType = Literal["truc-tiep", "truc-tuyen", "buu-chinh"]

CHANNEL_NAMES = {"truc-tiep": "Trực tiếp", "truc-tuyen": "Trực tuyến", "buu-chinh": "Qua bưu chính"}


class Channel(_Strict):
    type: ChannelType = Field(description="Cách nộp: truc-tiep, truc-tuyen hoặc buu-chinh")
    processing_time: Text | None = Field(None, description="Thời hạn giải quyết")
    fee: Text | None = Field(None, description="Phí, lệ phí")
    note: Text | None = Field(None, description="Ghi chú")


class Document(_Strict):
    name: Text = Field(description="Tên giấy tờ")
    original: Count | None = Field(None, description="Số bản chính")
    copies: Count | None = Field(None, description="Số bản sao")
    form: Id | None = Field(None, description="Mã mẫu đơn (khai báo trong forms)")
    note: Text | None = Field(None, description="Ghi chú")


class Form(_Strict):
    id: Id = Field(description="Mã mẫu đơn, dùng trong documents[].form")
    title: Text = Field(description="Tên mẫu đơn, tờ khai")
    file: Text = Field(description="Đường dẫn tệp, tính từ thư mục chứa tệp thủ tục")


class LegalBasis(_Strict):
    number: Text = Field(description="Số, ký hiệu văn bản, ví dụ “60/2014/QH13”")
    title: Text | None = Field(None, description="Trích yếu văn bản")
    url: Url | None = Field(None, description="Liên kết tới toàn văn")


class Procedure(_Strict):
    code: Code = Field(description="Mã thủ tục, đặt trong dấu nháy, ví dụ \"1.001193\"")
    name: Text = Field(description="Tên thủ tục")
    agency: Id = Field(description="Cơ quan thực hiện (mã trong agencies)")
    tiers: list[Id] = Field(min_length=1, description="Cấp thực hiện (mã trong tiers)")
    field: Id = Field(description="Lĩnh vực (mã trong fields)")
    level: int = Field(ge=1, le=4, description="Mức độ dịch vụ công trực tuyến, từ 1 đến 4")
    online_url: Url | None = Field(None, description="Nơi nộp hồ sơ trực tuyến (bắt buộc với mức độ 3, 4)")
    summary: Text | None = Field(None, description="Mô tả ngắn")
    subjects: list[Text] = Field([], description="Đối tượng thực hiện")
    steps: list[Text] = Field(min_length=1, description="Trình tự thực hiện")
    channels: list[Channel] = Field(min_length=1, description="Cách thức thực hiện")
    documents: list[Document] = Field([], description="Thành phần hồ sơ")
    forms: list[Form] = Field([], description="Mẫu đơn, tờ khai")
    conditions: list[Text] = Field([], description="Yêu cầu, điều kiện")
    results: list[Text] = Field([], description="Kết quả thực hiện")
    legal_basis: list[LegalBasis] = Field([], description="Căn cứ pháp lý")
    updated: IsoDate | None = Field(None, description="Ngày kiểm tra nội dung gần nhất, \"NĂM-THÁNG-NGÀY\"")


class Synonyms(RootModel[dict[Text, list[Text]]]):
    """synonyms.yml beside catalogue.yml: what citizens type → phrases used in procedures."""

    model_config = ConfigDict(strict=True, frozen=True)


# --- the loaded catalogue ---------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A valid procedure together with the file it came from."""

    procedure: Procedure
    source: Path

    def form_path(self, form: Form) -> Path:
        return (self.source.parent / form.file).resolve()


@dataclass
class Catalogue:
    info: CatalogueInfo
    directory: Path
    entries: list[Entry] = field(default_factory=list)
    synonyms: dict[str, list[str]] = field(default_factory=dict)

    @cached_property
    def tiers(self) -> dict[str, RegistryEntry]:
        return {t.id: t for t in self.info.tiers}

    @cached_property
    def fields(self) -> dict[str, RegistryEntry]:
        return {f.id: f for f in self.info.fields}

    @cached_property
    def agencies(self) -> dict[str, Agency]:
        return {a.id: a for a in self.info.agencies}
