"""What the load test's clients do with a page: read its forms as a browser would, fill the
contribution form as a clerk would. No locust here, so the tests can check these helpers against
the real pages (``tests/web/test_load_client.py``): a template change that the load test's
clients no longer understand fails there, not ten minutes into a run.
"""

from __future__ import annotations

import math
import random
import re
from html.parser import HTMLParser

PHRASES = [
    "Việc cập nhật, công khai thủ tục hành chính trên Cổng dịch vụ công còn chậm so với quy định",
    "một số hồ sơ tiếp nhận trực tuyến chưa được số hóa kết quả giải quyết",
    "đội ngũ công chức một cửa còn kiêm nhiệm, chưa được bồi dưỡng kỹ năng số đầy đủ",
    "việc theo dõi, đôn đốc xử lý hồ sơ quá hạn chưa thường xuyên",
    "hạ tầng mạng tại bộ phận tiếp nhận và trả kết quả còn hạn chế",
    "công tác tuyên truyền để người dân sử dụng dịch vụ công trực tuyến chưa hiệu quả",
    "phối hợp giữa các phòng chuyên môn trong giải quyết hồ sơ liên thông chưa chặt chẽ",
    "chưa kịp thời rà soát, đề xuất đơn giản hóa thủ tục hành chính thuộc thẩm quyền",
]
SOLUTIONS = [
    "Rà soát, cập nhật đầy đủ thủ tục hành chính và số hóa 100% kết quả giải quyết hồ sơ",
    "Tổ chức bồi dưỡng kỹ năng số cho công chức bộ phận một cửa trong quý II",
    "Ban hành quy chế phối hợp giải quyết hồ sơ liên thông, kiểm tra định kỳ hằng tháng",
    "Tuyên truyền, hướng dẫn người dân nộp hồ sơ trực tuyến tại bộ phận một cửa",
]


class _Forms(HTMLParser):
    """The forms of a page with what a browser would send for each field."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": []})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                default = "on" if kind in ("checkbox", "radio") else ""
                self.forms[-1]["fields"].append((a["name"], a.get("value") or default))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def handle_data(self, data) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag) -> None:
        if tag == "textarea" and self._textarea is not None and self.forms:
            # The HTML parser keeps the newline right after <textarea>; a browser drops it.
            text = "".join(self._text)
            self.forms[-1]["fields"].append((self._textarea, text.removeprefix("\n")))
            self._textarea = None


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def unsecure(jar) -> None:
    """Let ``Secure`` cookies go back over plain HTTP: the loopback stands in for nginx's HTTPS.

    (A cookie policy on the session's jar would not do: requests copies the cookies into a fresh
    jar with the default policy for every request.)
    """
    for cookie in jar:
        cookie.secure = False


def static_css(html: str) -> str:
    match = re.search(r'<link rel="stylesheet" href="([^"]+)"', html)
    return match.group(1) if match else "/static/chiso/app.css"


LOST = re.compile(r'id="muc-(\d+)".*?bị trừ ([0-9.,]+)</strong>', re.S)


def fill_contribution(html: str, agency: str, round_: int, year: int) -> list[tuple[str, str]]:
    """The contribution form as a clerk would send it after typing: every item's causes and
    responsibilities, the first solution row filled (expected points half the lost ones, so the
    rule "≤ lost" holds whatever the page rounded), the general text; the rest as shown."""
    form = next(f for f in forms_of(html) if not f["action"])
    lost = {pk: float(text.replace(".", "").replace(",", ".")) for pk, text in LOST.findall(html)}
    rng = random.Random(f"{agency}-{round_}")
    values: dict[str, str] = {}
    for pk, points in lost.items():
        values[f"{pk}-causes"] = (
            f"{rng.choice(PHRASES)}; {rng.choice(PHRASES)}. Bản nháp lần {round_} của {agency}."
        )
        values[f"{pk}-responsibility_agency"] = "Lãnh đạo cơ quan chưa chỉ đạo sát sao."
        values[f"{pk}-responsibility_unit"] = "Văn phòng, bộ phận một cửa chưa theo dõi kịp thời."
        values[f"{pk}-responsibility_individual"] = "Công chức được giao nhiệm vụ chưa cập nhật."
        values[f"{pk}-sol-0-text"] = rng.choice(SOLUTIONS)
        values[f"{pk}-sol-0-deadline"] = f"{year + 1}-{rng.randint(3, 12):02d}-28"
        half = math.floor(points * 100 / 2) / 100
        values[f"{pk}-sol-0-expected_points"] = f"{half:.2f}".replace(".", ",")
    values["general_text"] = (
        f"{agency} nghiêm túc tiếp thu kết quả đánh giá, cam kết khắc phục các tồn tại "
        f"trong năm {year + 1}. (Lưu lần {round_}.)"
    )
    fields = [(name, values.pop(name, value)) for name, value in form["fields"]]
    return fields + list(values.items())
