"""The four online public-service levels, as citizens need them explained.

Levels are defined by Decree 43/2011/NĐ-CP; Decree 42/2022/NĐ-CP regrouped them
into "cung cấp thông tin trực tuyến" (1–2), "một phần" (3) and "toàn trình" (4).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    number: int
    name: str  # the Decree 42/2022 name
    meaning: str  # the Decree 43/2011 definition in plain words


LEVELS = {
    1: Level(1, "Cung cấp thông tin trực tuyến", "Thông tin đầy đủ về thủ tục và các văn bản quy định được đăng trên mạng. "
             "Hồ sơ nộp trực tiếp hoặc qua bưu chính."),
    2: Level(2, "Cung cấp thông tin trực tuyến", "Như mức độ 1, và người dân tải được mẫu đơn, tờ khai về để điền, hoàn thiện hồ sơ. "
             "Hồ sơ hoàn thiện nộp trực tiếp hoặc gửi qua bưu chính."),
    3: Level(3, "Dịch vụ công trực tuyến một phần", "Như mức độ 2, và người dân điền, gửi hồ sơ trực tuyến; việc xử lý hồ sơ diễn ra trên mạng. "
             "Lệ phí (nếu có) nộp và kết quả nhận trực tiếp tại cơ quan."),
    4: Level(4, "Dịch vụ công trực tuyến toàn trình", "Như mức độ 3, và người dân thanh toán lệ phí (nếu có) trực tuyến; kết quả được trả trực tuyến, "
             "trực tiếp hoặc qua bưu chính."),
}
