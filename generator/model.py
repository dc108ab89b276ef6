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
                Field(json_schema_extra={"pattern": r'^https?://[^\s<>"{}|\\^`/?#]+[^\s<>"{}|\\^`]*$'})]
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


def example_of(model: type[BaseModel]) -> dict[str, Any]:
    """Every key of ``model`` with its first example: one complete, valid block."""
    return {name: info.examples[0] for name, info in model.model_fields.items() if info.examples}


# Every key editors write has a description and an example: both go into the JSON Schema
# (VS Code shows them while typing) and the format page (generator/reference.py). The
# examples are one real procedure, Đăng ký khai sinh (1.001193), and its catalogue.

# --- catalogue.yml -----------------------------------------------------------------


class RegistryEntry(_Strict):
    id: Id = Field(description="Mã của mục, viết thường không dấu; tệp thủ tục dùng mã này để chỉ tới mục",
                   examples=["xa"])
    name: Text = Field(description="Tên hiển thị trên trang web, viết đầy đủ có dấu", examples=["Cấp xã"])


class Agency(RegistryEntry):
    id: Id = Field(description="Mã cơ quan, viết thường không dấu; tệp thủ tục ghi mã này ở khóa agency",
                   examples=["ubnd-xa"])
    name: Text = Field(description="Tên cơ quan hiển thị trên trang web, viết đầy đủ có dấu",
                       examples=["Ủy ban nhân dân cấp xã (xã, phường)"])
    address: Text | None = Field(None, description="Địa chỉ nơi tiếp nhận hồ sơ, hiện trên trang của cơ quan "
                                 "và của mọi thủ tục cơ quan giải quyết",
                                 examples=["Bộ phận một cửa của Ủy ban nhân dân xã, phường nơi cư trú"])
    phone: Text | None = Field(None, description="Số điện thoại liên hệ; trên điện thoại, người dân bấm vào là gọi",
                               examples=["0000 000 000 (ví dụ)"])
    email: Text | None = Field(None, description="Địa chỉ thư điện tử của cơ quan",
                               examples=["vi-du@example.com"])
    hours: Text | None = Field(None, description="Thời gian tiếp nhận hồ sơ trong tuần",
                               examples=["(ví dụ) Sáng … giờ đến … giờ, chiều … giờ đến … giờ, thứ Hai đến thứ Sáu"])
    website: Url | None = Field(None, description="Trang thông tin điện tử của cơ quan",
                                examples=["https://example.com"])


class StatusLookup(_Strict):
    sms_number: Text | None = Field(None, description="Tổng đài nhận tin nhắn tra cứu tình trạng hồ sơ",
                                    examples=["8188"])
    sms_syntax: Text | None = Field(None, description="Cú pháp tin nhắn tra cứu, như người dân phải gõ",
                                    examples=["TTHC <mã hồ sơ>"])
    url: Url | None = Field(None, description="Trang web tra cứu tình trạng hồ sơ bằng mã hồ sơ",
                            examples=["https://dichvucong.dienbien.gov.vn"])
    instructions: Text | None = Field(None, description="Hướng dẫn tra cứu trên trang web đó, một hai câu",
                                      examples=["Trên Cổng dịch vụ công của tỉnh, điền số hồ sơ, số định danh "
                                                "cá nhân và họ tên người nộp rồi chọn “Tìm kiếm”."])


class CatalogueInfo(_Strict):
    title: Text = Field(description="Tên bộ thủ tục, dùng làm tên trang web",
                        examples=["Bộ thủ tục hành chính tỉnh Điện Biên"])
    base: Text | None = Field(
        None, description="Bộ thủ tục gốc (thường là bộ thủ tục quốc gia, dùng chung cho mọi tỉnh): đường dẫn tới "
        "thư mục có catalogue.yml của bộ gốc, tính từ thư mục chứa tệp này. Danh mục tiers, fields, agencies "
        "của tỉnh được thêm vào danh mục của bộ gốc (mục cùng id thì mục của tỉnh thay mục của bộ gốc); "
        "tệp thủ tục có inherit: true lấy nội dung từ bộ gốc",
        examples=["../quoc-gia"])
    source_name: Text | None = Field(
        None, description="Tên nguồn nội dung, hiện trên trang của mỗi thủ tục mà bộ khác kế thừa từ bộ này "
        "(“Nội dung theo …”); bỏ trống thì dùng title",
        examples=["Cơ sở dữ liệu quốc gia về thủ tục hành chính"])
    province: Text | None = Field(None, description="Địa phương ban hành bộ thủ tục, viết như sau chữ “của”",
                                  examples=["tỉnh Điện Biên"])
    portal_url: Url | None = Field(None, description="Cổng dịch vụ công của tỉnh, nơi người dân nộp hồ sơ trực tuyến",
                                   examples=["https://dichvucong.dienbien.gov.vn"])
    site_url: Url | None = Field(None, description="Địa chỉ đầy đủ của chính trang web này khi đã đưa lên mạng; "
                                 "bản tin cập nhật (Atom) và dữ liệu mở dùng địa chỉ này để tạo liên kết tuyệt đối",
                                 examples=["https://thutuc.dienbien.gov.vn"])
    status_lookup: StatusLookup | None = Field(
        None, description="Cách tra cứu tình trạng hồ sơ đã nộp (bằng tin nhắn, trên trang web), "
        "hiện ở trang Hỏi đáp", examples=[example_of(StatusLookup)])
    featured: list[Code] = Field(
        [], description="Mã các thủ tục nhiều người làm, theo thứ tự, hiện đầu trang chủ; bỏ trống thì trang chủ "
        "dùng danh sách mặc định của công cụ (khai sinh, kết hôn, cư trú, căn cước…) trong số thủ tục của bộ",
        examples=[["1.001193"]])
    review_after_days: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Số ngày tối đa kể từ ngày kiểm tra (updated) của một thủ tục; quá hạn thì "
        "công cụ kiểm tra cảnh báo để rà soát lại", examples=[365])
    tiers: list[RegistryEntry] = Field(
        [], description="Danh mục cấp thực hiện: mỗi cấp chính quyền giải quyết thủ tục một mục; "
        "bắt buộc, trừ khi bộ gốc (base) đã có",
        examples=[[{"id": "tinh", "name": "Cấp tỉnh"}, example_of(RegistryEntry)]])
    fields: list[RegistryEntry] = Field(
        [], description="Danh mục lĩnh vực: mỗi lĩnh vực thủ tục một mục; bắt buộc, trừ khi bộ gốc (base) đã có",
        examples=[[{"id": "ho-tich", "name": "Hộ tịch"}, {"id": "chung-thuc", "name": "Chứng thực"}]])
    agencies: list[Agency] = Field(
        [], description="Danh mục cơ quan thực hiện: mỗi cơ quan tiếp nhận, giải quyết thủ tục một mục; "
        "địa chỉ, điện thoại, giờ tiếp nhận điền khi biết; bắt buộc, trừ khi bộ gốc (base) đã có",
        examples=[[example_of(Agency), {"id": "so-tu-phap", "name": "Sở Tư pháp tỉnh Điện Biên"}]])

    @property
    def site_root(self) -> str | None:
        """``site_url`` ending in exactly one "/", ready for a site-relative path; None when unset."""
        return self.site_url.rstrip("/") + "/" if self.site_url else None


# --- one procedure file ---------------------------------------------------------------

ChannelType = Literal["truc-tiep", "truc-tuyen", "buu-chinh"]

CHANNEL_NAMES = {"truc-tiep": "Trực tiếp", "truc-tuyen": "Trực tuyến", "buu-chinh": "Qua bưu chính"}


class Channel(_Strict):
    type: ChannelType = Field(description="Cách nộp hồ sơ: truc-tiep (tại nơi tiếp nhận), truc-tuyen "
                              "(trên Cổng dịch vụ công) hoặc buu-chinh (gửi qua bưu chính)",
                              examples=["truc-tiep"])
    processing_time: Text | None = Field(
        None, description="Thời hạn giải quyết khi nộp theo cách này, như văn bản quy định",
        examples=["Ngay trong ngày nhận đủ hồ sơ; nếu nộp sau 15 giờ thì nhận kết quả trong ngày làm việc tiếp theo"])
    fee: Text | None = Field(None, description="Phí, lệ phí khi nộp theo cách này; ghi cả khi được miễn",
                             examples=["Miễn lệ phí nếu đăng ký đúng hạn (trong 60 ngày kể từ ngày sinh)"])
    note: Text | None = Field(None, description="Điều người dân cần biết thêm khi nộp theo cách này",
                              examples=["Mang theo giấy tờ tùy thân để cán bộ đối chiếu."])


class Document(_Strict):
    name: Text = Field(description="Tên giấy tờ cần nộp hoặc xuất trình", examples=["Tờ khai đăng ký khai sinh"])
    original: Count | None = Field(None, description="Số bản chính cần nộp; 0 nếu không cần bản chính", examples=[1])
    copies: Count | None = Field(None, description="Số bản sao cần nộp; 0 nếu không cần bản sao", examples=[0])
    form: Id | None = Field(None, description="Mã mẫu đơn, tờ khai của giấy tờ này (id của một mẫu trong forms "
                            "của cùng tệp); trang thủ tục đặt nút tải mẫu ngay cạnh giấy tờ",
                            examples=["to-khai-dang-ky-khai-sinh"])
    note: Text | None = Field(None, description="Ghi chú cho giấy tờ này: khi nào cần, khi nào được miễn",
                              examples=["Nộp trực tuyến thì điền biểu mẫu điện tử thay cho tờ khai giấy."])


FieldType = Literal["text", "textarea", "date", "number", "choice", "checkbox", "id-number", "phone"]


class FormField(_Strict):
    # One key set for both kinds of item, a section heading or a field, so every key has
    # one path (forms[].fields[].label) in errors, the schema and the format page;
    # checks.py tells the two kinds apart.
    heading: Text | None = Field(None, description="Tiêu đề một phần của mẫu; mục có heading thì không có "
                                 "khóa nào khác", examples=["Thông tin người yêu cầu"])
    name: Id | None = Field(None, description="Mã của trường, viết thường không dấu, không trùng trong mẫu; "
                            "bắt buộc với mỗi trường", examples=["ho-ten-nguoi-yeu-cau"])
    label: Text | None = Field(None, description="Nhãn của trường như trên mẫu giấy; bắt buộc với mỗi trường",
                               examples=["Họ, chữ đệm, tên người yêu cầu"])
    type: FieldType = Field("text", description="Loại trường: text (một dòng chữ), textarea (nhiều dòng), date "
                            "(ngày), number (số), choice (chọn một trong options), checkbox (ô đánh dấu), "
                            "id-number (số định danh cá nhân), phone (số điện thoại); bỏ trống là text",
                            examples=["text"])
    required: bool = Field(False, description="true nếu người dân bắt buộc phải điền trường này; bỏ trống là false",
                           examples=[True])
    help: Text | None = Field(None, description="Hướng dẫn ngắn hiện dưới trường",
                              examples=["Viết in hoa có dấu"])
    options: list[Text] | None = Field(None, description="Các lựa chọn của trường loại choice, mỗi mục một "
                                       "lựa chọn", examples=[["Nam", "Nữ"]])


class Form(_Strict):
    id: Id = Field(description="Mã mẫu đơn trong thủ tục này: documents[].form chỉ tới mã này, và tệp tải về "
                   "mang tên theo mã", examples=["to-khai-dang-ky-khai-sinh"])
    title: Text = Field(description="Tên mẫu đơn, tờ khai hiện trên trang", examples=["Tờ khai đăng ký khai sinh"])
    file: Text | None = Field(None, description="Đường dẫn tới tệp mẫu, tính từ thư mục chứa tệp thủ tục (thường "
                              "trong thư mục mau/ bên cạnh); có thể bỏ khi mẫu có fields",
                              examples=["mau/to-khai-dang-ky-khai-sinh.docx"])
    recipient: Text | None = Field(None, description="Nơi nhận mẫu, in sau chữ “Kính gửi:” trên mẫu in",
                                   examples=["Ủy ban nhân dân xã, phường nơi cư trú"])
    fields: list[FormField] = Field(
        [], description="Các trường để người dân điền mẫu ngay trên trang web rồi in hoặc tải về; trang web "
        "cũng tạo mẫu trống (DOCX, PDF) từ đây. Mỗi mục là một trường, hoặc một tiêu đề phần (chỉ có heading)",
        examples=[[{"heading": "Thông tin người yêu cầu"},
                   {"name": "ho-ten-nguoi-yeu-cau", "label": "Họ, chữ đệm, tên người yêu cầu", "type": "text",
                    "required": True, "help": "Viết in hoa có dấu"},
                   {"name": "gioi-tinh", "label": "Giới tính", "type": "choice", "options": ["Nam", "Nữ"]}]])


class LegalBasis(_Strict):
    number: Text = Field(description="Số, ký hiệu văn bản", examples=["60/2014/QH13"])
    title: Text | None = Field(None, description="Trích yếu (tên) văn bản", examples=["Luật Hộ tịch"])
    url: Url | None = Field(None, description="Liên kết tới toàn văn văn bản", examples=["https://vanban.chinhphu.vn"])


class Announcement(_Strict):
    number: Text = Field(description="Số, ký hiệu quyết định công bố", examples=["0000/QĐ-UBND"])
    date: IsoDate | None = Field(None, description="Ngày ban hành quyết định", examples=["2026-11-25"])
    url: Url | None = Field(None, description="Liên kết tới toàn văn quyết định", examples=["https://example.com"])


class Procedure(_Strict):
    code: Code = Field(description="Mã thủ tục trên Cơ sở dữ liệu quốc gia về thủ tục hành chính; "
                       "cũng là địa chỉ trang của thủ tục", examples=["1.001193"])
    inherit: bool = Field(False, description="true: lấy mọi khóa tệp này không ghi từ thủ tục cùng mã trong bộ "
                          "gốc (base của catalogue.yml); khóa nào tệp này ghi thì thay cả khóa đó của bộ gốc "
                          "(cả danh sách, cả khối), khóa ghi mà để trống thì bỏ giá trị của bộ gốc",
                          examples=[True])
    name: Text = Field(description="Tên thủ tục như trong quyết định công bố; là tiêu đề trang",
                       examples=["Thủ tục đăng ký khai sinh"])
    agency: Id = Field(description="Cơ quan thực hiện: một mã trong danh mục agencies của catalogue.yml",
                       examples=["ubnd-xa"])
    tiers: list[Id] = Field(min_length=1, description="Cấp thực hiện: các mã trong danh mục tiers của catalogue.yml",
                            examples=[["xa"]])
    field: Id = Field(description="Lĩnh vực: một mã trong danh mục fields của catalogue.yml", examples=["ho-tich"])
    level: int = Field(ge=1, le=4, description="Mức độ dịch vụ công trực tuyến, từ 1 đến 4: 1, 2 là cung cấp "
                       "thông tin trực tuyến, 3 là một phần, 4 là toàn trình", examples=[3])
    online_url: Url | None = Field(None, description="Nơi nộp hồ sơ trực tuyến; trang thủ tục mức độ 3, 4 có nút "
                                   "“Nộp hồ sơ trực tuyến” dẫn tới đây",
                                   examples=["https://dichvucong.dienbien.gov.vn"])
    summary: Text | None = Field(None, description="Mô tả ngắn cho người dân: ai cần làm thủ tục và nhận được gì; "
                                 "hiện ngay dưới tên thủ tục",
                                 examples=["Khi em bé chào đời, cha hoặc mẹ cần đăng ký khai sinh cho con trong "
                                           "vòng 60 ngày kể từ ngày sinh."])
    subjects: list[Text] = Field([], description="Đối tượng thực hiện: những ai làm thủ tục này, mỗi mục một đối tượng",
                                 examples=[["Cha, mẹ của trẻ", "Ông, bà hoặc người thân thích khác của trẻ"]])
    steps: list[Text] = Field(min_length=1, description="Trình tự thực hiện: mỗi mục một bước, theo thứ tự; "
                              "trang thủ tục tự đánh số",
                              examples=[["Nộp hồ sơ tại bộ phận một cửa của Ủy ban nhân dân xã, phường nơi cư trú, "
                                         "hoặc gửi qua bưu chính.",
                                         "Cán bộ tiếp nhận kiểm tra hồ sơ. Hồ sơ đủ thì viết Phiếu hẹn; hồ sơ thiếu "
                                         "thì hướng dẫn bổ sung một lần.",
                                         "Người đi đăng ký kiểm tra nội dung, ký vào Sổ đăng ký khai sinh và nhận "
                                         "Giấy khai sinh."]])
    channels: list[Channel] = Field(
        min_length=1, description="Cách thức thực hiện: mỗi cách nộp hồ sơ một mục, với thời hạn giải quyết "
        "và phí, lệ phí của cách đó",
        examples=[[example_of(Channel), {"type": "truc-tuyen", "fee": "Như nộp trực tiếp"}]])
    documents: list[Document] = Field(
        [], description="Thành phần hồ sơ: mỗi giấy tờ một mục; trang thủ tục hiện thành danh sách có ô đánh dấu",
        examples=[[example_of(Document), {"name": "Giấy chứng sinh do cơ sở y tế cấp", "original": 1, "copies": 0}]])
    forms: list[Form] = Field([], description="Mẫu đơn, tờ khai để người dân tải về, mỗi mẫu một mục",
                              examples=[[example_of(Form)]])
    conditions: list[Text] = Field([], description="Yêu cầu, điều kiện thực hiện thủ tục, mỗi mục một điều kiện",
                                   examples=[["Tên của trẻ phải phù hợp với pháp luật, truyền thống văn hóa, "
                                              "không đặt quá dài, khó sử dụng."]])
    results: list[Text] = Field([], description="Kết quả thực hiện: giấy tờ người dân nhận được, mỗi mục một kết quả",
                                examples=[["Giấy khai sinh (bản chính) có số định danh cá nhân của trẻ",
                                           "Bản sao Giấy khai sinh (nếu có yêu cầu)"]])
    legal_basis: list[LegalBasis] = Field(
        [], description="Căn cứ pháp lý: các văn bản quy định thủ tục, mỗi văn bản một mục",
        examples=[[example_of(LegalBasis), {"number": "123/2015/NĐ-CP", "title": "Nghị định quy định chi tiết "
                                            "một số điều và biện pháp thi hành Luật Hộ tịch"}]])
    updated: IsoDate | None = Field(None, description="Ngày cán bộ kiểm tra nội dung thủ tục lần gần nhất; trang "
                                    "thủ tục ghi “Nội dung được kiểm tra lần cuối ngày …”", examples=["2026-11-25"])
    announcement: Announcement | None = Field(
        None, description="Quyết định của tỉnh công bố thủ tục này; trang thủ tục ghi “Công bố tại …”",
        examples=[example_of(Announcement)])


# --- events.yml: life events (Sự kiện), GOV.UK-style step-by-step ------------------------

EventType = Literal["cong-dan", "kinh-doanh"]

EVENT_TYPE_NAMES = {"cong-dan": "Sự kiện trong đời người dân", "kinh-doanh": "Sự kiện trong hoạt động kinh doanh"}


class EventStep(_Strict):
    procedure: Code = Field(description="Mã thủ tục của bước này; thủ tục phải có tệp trong bộ thủ tục (với bộ "
                            "gốc: tỉnh đã tiếp nhận) và không trùng với bước khác của cùng sự kiện",
                            examples=["1.001193"])
    note: Text | None = Field(None, description="Điều người dân cần biết ở bước này trong sự kiện: làm khi nào, "
                              "nối với bước trước thế nào",
                              examples=["Trong 60 ngày kể từ ngày sinh; mang theo Giấy chứng sinh do cơ sở y tế cấp."])
    optional: bool = Field(False, description="true nếu không phải ai cũng cần làm bước này; trang sự kiện ghi "
                           "“không bắt buộc”; bỏ trống là false", examples=[True])


class Event(_Strict):
    id: Id = Field(description="Mã sự kiện, viết thường không dấu; cũng là địa chỉ trang su-kien/<mã>/",
                   examples=["sinh-con"])
    title: Text = Field(description="Tên sự kiện như người dân gọi, hiện làm tiêu đề trang", examples=["Sinh con"])
    summary: Text = Field(description="Một hai câu: sự kiện này cần làm những thủ tục gì, trong bao lâu",
                          examples=["Các thủ tục cha mẹ cần làm khi em bé chào đời (khai sinh, đăng ký thường trú, "
                                    "thẻ bảo hiểm y tế cho trẻ)."])
    type: EventType = Field("cong-dan", description="Loại sự kiện: cong-dan (sự kiện trong đời người dân) hoặc "
                            "kinh-doanh (sự kiện trong hoạt động kinh doanh); bỏ trống là cong-dan",
                            examples=["cong-dan"])
    steps: list[EventStep] = Field(min_length=1, description="Các bước theo thứ tự người dân làm: mỗi bước là "
                                   "một thủ tục; trang sự kiện tự đánh số",
                                   examples=[[{"procedure": "1.001193", "note": "Trong 60 ngày kể từ ngày sinh; "
                                               "mang theo Giấy chứng sinh do cơ sở y tế cấp."},
                                              {"procedure": "1.004222", "optional": True}]])


class Events(_Strict):
    # events.yml beside catalogue.yml. No docstring: pydantic would put it in the schema.
    model_config = ConfigDict(json_schema_extra={
        "description": "Sự kiện (events.yml): những việc trong đời người dân hay trong kinh doanh cần làm nhiều "
                       "thủ tục, mỗi sự kiện liệt kê các thủ tục theo thứ tự"})

    events: list[Event] = Field(description="Các sự kiện, theo thứ tự hiện trên trang web; mỗi sự kiện một mục",
                                examples=[[example_of(Event)]])


class Synonyms(RootModel[dict[Text, list[Text]]]):
    # synonyms.yml beside catalogue.yml. No docstring: pydantic would put it in the
    # schema in place of the root's Vietnamese description.
    model_config = ConfigDict(strict=True, frozen=True)

    root: dict[Text, list[Text]] = Field(
        description="Cách gọi người dân hay gõ khi tìm thủ tục (khóa) và các cụm từ có trong tên hoặc nội dung "
        "thủ tục mà cách gọi đó chỉ tới (danh sách); bổ sung cho danh sách chung của công cụ",
        examples=[{"làm giấy khai sinh": ["đăng ký khai sinh"], "giấy phép con": ["giấy phép kinh doanh"]}])


# --- the loaded catalogue ---------------------------------------------------------------


@dataclass(frozen=True)
class Provenance:
    """Where an inherited procedure's content comes from: the base, less what the province set."""

    base_name: str  # the base's source_name or title, as the page names it
    base_source: Path  # the base procedure's file
    local_keys: frozenset[str]  # top-level keys the province's file sets (code and inherit excepted)


@dataclass(frozen=True)
class Entry:
    """A valid procedure together with the file it came from."""

    procedure: Procedure
    source: Path
    provenance: Provenance | None = None  # None: a full procedure file, no base involved

    @property
    def forms_owner(self) -> Path:
        """The file its forms' paths are relative to: the base's when the forms are inherited."""
        if self.provenance is not None and "forms" not in self.provenance.local_keys:
            return self.provenance.base_source
        return self.source

    def form_path(self, form: Form) -> Path | None:
        return (self.forms_owner.parent / form.file).resolve() if form.file else None

    def set_locally(self, key: str) -> bool:
        """Whether the province set ``key`` on top of its base (for the “Tỉnh quy định” mark)."""
        return self.provenance is not None and key in self.provenance.local_keys


@dataclass
class Catalogue:
    info: CatalogueInfo
    directory: Path
    entries: list[Entry] = field(default_factory=list)
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    drafts: list[Entry] = field(default_factory=list)  # valid, but with the scaffold's placeholders: never published
    events: list[Event] = field(default_factory=list)  # events.yml, when valid; steps may name drafts (no link)

    @cached_property
    def tiers(self) -> dict[str, RegistryEntry]:
        return {t.id: t for t in self.info.tiers}

    @cached_property
    def fields(self) -> dict[str, RegistryEntry]:
        return {f.id: f for f in self.info.fields}

    @cached_property
    def agencies(self) -> dict[str, Agency]:
        return {a.id: a for a in self.info.agencies}
