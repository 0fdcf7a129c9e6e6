
"""The registry a provincial board works with: central documents and the province's own guidance.

Titles and summaries are written for the demo (short paraphrases, not the official texts).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditlog.context import disable_auditlog
from django.db import transaction

from tuyengiao.documents.choices import DocumentKind as K
from tuyengiao.documents.choices import Issuer as I
from tuyengiao.documents.models import Document, WorkField
from tuyengiao.documents.services import ensure_work_fields, save_document

from . import org

D = dt.date

# symbol, kind, issuer, term, date, title, summary, fields, body
DOCUMENTS: list[tuple[str, str, str, str, dt.date, str, str, list[str], str]] = [
    (
        "35-NQ/TW",
        K.RESOLUTION,
        I.POLITBURO,
        "XII",
        D(2018, 10, 22),
        "Nghị quyết về tăng cường bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác các quan điểm sai trái, "
        "thù địch trong tình hình mới",
        "Mỗi đảng viên có trách nhiệm bảo vệ nền tảng tư tưởng của Đảng là chủ nghĩa Mác - Lênin và tư tưởng "
        "Hồ Chí Minh. Chủ động đưa thông tin đúng, kịp thời; nhận diện và phản bác quan điểm sai trái, nhất là "
        "trên mạng xã hội; mỗi chi bộ phân công người theo dõi, nắm tình hình.",
        ["ideology", "propaganda"],
        "<p>Bộ Chính trị yêu cầu các cấp ủy, tổ chức đảng nâng cao nhận thức, trách nhiệm trong bảo vệ nền tảng "
        "tư tưởng của Đảng.</p><p>Kết hợp chặt chẽ giữa “xây” và “chống”, lấy “xây” là chính; phát huy vai trò "
        "của báo chí, của đội ngũ báo cáo viên, tuyên truyền viên.</p>",
    ),
    (
        "05-CT/TW",
        K.DIRECTIVE,
        I.POLITBURO,
        "XII",
        D(2016, 5, 15),
        "Chỉ thị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "Việc học tập và làm theo Bác là việc làm thường xuyên của mỗi tổ chức đảng và đảng viên. Người đứng "
        "đầu phải gương mẫu; mỗi năm học một chuyên đề, mỗi đảng viên đăng ký làm theo bằng việc làm cụ thể.",
        ["follow_ho"],
        "<p>Đưa việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh thành nội dung sinh hoạt "
        "thường xuyên của chi bộ.</p><p>Cán bộ, đảng viên, trước hết là người đứng đầu, nêu gương.</p>",
    ),
    (
        "01-KL/TW",
        K.CONCLUSION,
        I.POLITBURO,
        "XIII",
        D(2021, 5, 18),
        "Kết luận về tiếp tục thực hiện Chỉ thị 05-CT/TW về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, "
        "phong cách Hồ Chí Minh",
        "Tiếp tục thực hiện Chỉ thị 05 với trọng tâm là làm theo: gắn với xây dựng, chỉnh đốn Đảng, với nhiệm "
        "vụ chính trị của từng nơi; nhân rộng các mô hình, điển hình tốt.",
        ["follow_ho"],
        "<p>Bộ Chính trị kết luận tiếp tục thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị.</p>"
        "<p>Học tập và làm theo Bác gắn với thực hiện Nghị quyết Trung ương 4 (khóa XII) về xây dựng, "
        "chỉnh đốn Đảng.</p>",
    ),
    (
        "23-NQ/TW",
        K.RESOLUTION,
        I.POLITBURO,
        "X",
        D(2008, 6, 16),
        "Nghị quyết về tiếp tục xây dựng và phát triển văn học, nghệ thuật trong thời kỳ mới",
        "Văn học, nghệ thuật là lĩnh vực rất quan trọng, góp phần xây dựng con người. Tạo điều kiện cho văn "
        "nghệ sĩ sáng tác; quan tâm phát hiện, bồi dưỡng tài năng trẻ.",
        ["culture_arts"],
        "<p>Xây dựng nền văn học, nghệ thuật tiên tiến, đậm đà bản sắc dân tộc.</p>",
    ),
    (
        "",
        K.RESOLUTION,
        I.NATIONAL_CONGRESS,
        "XIII",
        D(2021, 2, 1),
        "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng",
        "Đại hội XIII đề ra mục tiêu đến năm 2030 nước ta là nước đang phát triển có công nghiệp hiện đại, thu "
        "nhập trung bình cao; đến năm 2045 trở thành nước phát triển, thu nhập cao.",
        ["ideology", "theory"],
        "<p>Khơi dậy khát vọng phát triển đất nước phồn vinh, hạnh phúc.</p>",
    ),
    (
        "04-NQ/TW",
        K.RESOLUTION,
        I.CENTRAL_COMMITTEE,
        "XII",
        D(2016, 10, 30),
        "Nghị quyết Trung ương 4 về tăng cường xây dựng, chỉnh đốn Đảng; ngăn chặn, đẩy lùi sự suy thoái về "
        "tư tưởng chính trị, đạo đức, lối sống, những biểu hiện “tự diễn biến”, “tự chuyển hóa” trong nội bộ",
        "Chỉ rõ 27 biểu hiện suy thoái để mỗi đảng viên tự soi, tự sửa. Chi bộ kiểm điểm định kỳ; người đứng "
        "đầu chịu trách nhiệm về tình hình ở nơi mình phụ trách.",
        ["organisation", "ideology"],
        "<p>Nhận diện 27 biểu hiện suy thoái, “tự diễn biến”, “tự chuyển hóa”.</p>",
    ),
    (
        "",
        K.GUIDANCE,
        I.BOARD,
        "",
        D(2022, 1, 10),
        "Chuyên đề năm 2022: học tập và làm theo Bác về xây dựng văn hóa và con người Việt Nam",
        "Chuyên đề năm 2022 nhắc mỗi đảng viên giữ gìn và phát huy giá trị văn hóa, sống có văn hóa ở gia đình, "
        "nơi làm việc và nơi cư trú.",
        ["follow_ho", "culture_arts"],
        "<p>Tài liệu chuyên đề năm 2022 dùng cho sinh hoạt chi bộ theo Kết luận 01-KL/TW.</p>",
    ),
    (
        "",
        K.GUIDANCE,
        I.BOARD,
        "",
        D(2023, 1, 12),
        "Chuyên đề năm 2023: học tập và làm theo Bác về tinh thần đoàn kết, tự lực, tự cường",
        "Chuyên đề năm 2023 đề cao đoàn kết trong chi bộ và khu dân cư, tinh thần tự lực vượt khó, làm việc "
        "cụ thể, thiết thực.",
        ["follow_ho"],
        "<p>Tài liệu chuyên đề năm 2023 dùng cho sinh hoạt chi bộ.</p>",
    ),
    (
        "05-HD/BTGTU",
        K.GUIDANCE,
        I.BOARD,
        "",
        D(2022, 3, 15),
        "Hướng dẫn học tập chuyên đề năm 2022 trong Đảng bộ tỉnh",
        "Các chi bộ tổ chức học tập chuyên đề năm 2022 xong trước 30/6/2022; báo cáo số đảng viên tham dự về "
        "Ban Tuyên giáo Tỉnh ủy.",
        ["follow_ho"],
        "<p>Thực hiện Kết luận số 01-KL/TW ngày 18/5/2021 của Bộ Chính trị, Ban Tuyên giáo Tỉnh ủy hướng dẫn "
        "học tập chuyên đề năm 2022.</p>",
    ),
    (
        "10-HD/BTGTU",
        K.GUIDANCE,
        I.BOARD,
        "",
        D(2023, 2, 20),
        "Hướng dẫn học tập chuyên đề năm 2023 trong Đảng bộ tỉnh",
        "Học tập chuyên đề năm 2023 kết hợp trực tiếp và trực tuyến; chi bộ báo cáo tỷ lệ đảng viên tham gia "
        "trước 30/6/2023.",
        ["follow_ho"],
        "<p>Thực hiện Chỉ thị 05-CT/TW của Bộ Chính trị và Kết luận 01-KL/TW, hướng dẫn học tập chuyên đề năm "
        "2023.</p>",
    ),
    (
        "10-HD/BTGDVTU",
        K.GUIDANCE,
        I.BOARD,
        "",
        D(2026, 2, 25),
        "Hướng dẫn học tập, quán triệt các văn bản về bảo vệ nền tảng tư tưởng của Đảng năm 2026",
        "Các chi bộ học tập lại Nghị quyết 35 và các văn bản liên quan trước 31/5/2026; mỗi đảng viên viết "
        "cam kết không chia sẻ thông tin sai trái.",
        ["ideology"],
        "<p>Căn cứ Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị (khóa XII), Ban Tuyên giáo và Dân vận "
        "Tỉnh ủy hướng dẫn học tập, quán triệt năm 2026.</p>",
    ),
    (
        "12-HD/BTGDVTU",
        K.ORIENTATION,
        I.BOARD,
        "",
        D(2026, 1, 20),
        "Định hướng tuyên truyền kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam",
        "Tuyên truyền truyền thống vẻ vang của Đảng, kết quả của tỉnh sau sắp xếp đơn vị hành chính; treo khẩu "
        "hiệu theo danh mục kèm theo.",
        ["propaganda"],
        "<p>Nội dung, hình thức tuyên truyền kỷ niệm Ngày thành lập Đảng 3/2.</p>",
    ),
    (
        "18-HD/BTGDVTU",
        K.ORIENTATION,
        I.BOARD,
        "",
        D(2026, 6, 5),
        "Định hướng tuyên truyền về đấu tranh phản bác thông tin xấu độc trên không gian mạng",
        "Mỗi đảng viên chia sẻ thông tin chính thống, không bình luận, chia sẻ tin chưa kiểm chứng; báo ngay cho "
        "chi bộ khi thấy thông tin sai trái.",
        ["ideology", "propaganda"],
        "<p>Thực hiện Nghị quyết 35-NQ/TW, định hướng tuyên truyền trên không gian mạng.</p>",
    ),
    (
        "KH 07/TU",
        K.PLAN,
        I.PROVINCIAL_COMMITTEE,
        "",
        D(2026, 3, 2),
        "Kế hoạch tổ chức hội nghị báo cáo viên năm 2026",
        "Hội nghị báo cáo viên tổ chức hằng tháng, kết hợp trực tuyến đến các điểm cầu xã, phường.",
        ["propaganda"],
        "<p>Số, ký hiệu nhập theo bản giấy, cần kiểm tra lại.</p>",
    ),
]


def load(stdout: Any) -> None:
    province = org.loaded_province()
    if province is None:
        return
    ensure_work_fields()
    if Document.objects.filter(unit=province, title=DOCUMENTS[0][5]).exists():
        stdout.write("  văn bản: đã có")
        return
    fields = {f.code: f for f in WorkField.objects.all()}
    created: dict[str, Document] = {}
    with transaction.atomic(), disable_auditlog():
        for symbol, kind, issuer, term, day, title, summary, codes, body in DOCUMENTS:
            document = Document(
                symbol=symbol,
                kind=kind,
                issuer=issuer,
                term=term,
                issued_on=day,
                title=title,
                summary=summary,
                body=body,
                unit=province,
                issuer_unit=province if issuer in (I.BOARD, I.PROVINCIAL_COMMITTEE) and symbol else None,
            )
            save_document(document, work_fields=[fields[c] for c in codes])
            created[symbol or title] = document
        created["01-KL/TW"].related.add(created["05-CT/TW"])
        created["10-HD/BTGTU"].replaces.add(created["05-HD/BTGTU"])
        created["10-HD/BTGDVTU"].related.add(created["35-NQ/TW"], created["18-HD/BTGDVTU"])
    stdout.write(f"  văn bản: {len(created)}")
