"""The validated catalogue → the pages and files of the site, engine-neutral.

``generate`` returns virtual pages and static files with their sources. A page made
from a ``*.html.j2`` template is final HTML (``Page.html``): blocks of HTML, which a
Markdown engine passes through unchanged and an engine that takes HTML publishes
without a Markdown pass, the costliest step of a build; its headings are listed
for the table of contents. The few pages of prose (``*.md.j2``: the FAQ, the format
page, the open-data page) are Markdown whose data parts are escaped HTML blocks.
``mkdocs_adapter`` is the MkDocs adapter.

Data from YAML reaches a page only through Jinja2 autoescaping and only as HTML
text, never where Markdown parses: a value can never become markup, a Markdown
link or template code.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from datetime import date
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import segno
from markupsafe import Markup, escape

from generator import blank_forms, charts, offline, reference, statistics
from generator.exports import publish as open_data
from generator.exports.joined import Joined
from generator.exports.jsontext import script_json
from generator.exports.schema_org import government_service
from generator.levels import LEVELS
from generator.model import CHANNEL_NAMES, Catalogue, Entry, Event, EventStep, Form, Procedure
from generator.search import SearchIndex, TermMemo, build_index
from generator.text import file_size, sort_key, vn_date, vn_number, vn_percent


@dataclass(frozen=True)
class Heading:
    """A section heading of an HTML page, for the engine's table of contents."""

    level: int  # 2 for <h2>
    id: str
    text: str  # plain text; the engine escapes it


@dataclass(frozen=True)
class Page:
    path: str  # source path inside the site, e.g. "thu-tuc/1.001193/index.md"
    title: str  # plain text; the engine escapes it
    markdown: str  # the page's text: Markdown, or final HTML when ``html``
    in_nav: bool = True  # False: reached through links only, never listed in the site's navigation
    description: str = ""  # plain text for search engines and link previews (Zalo, Facebook); the engine escapes it
    html: bool = False  # ``markdown`` is final HTML (valid Markdown too: HTML blocks only) and needs no Markdown pass
    headings: tuple[Heading, ...] = ()  # an HTML page's headings with an id, in order


@dataclass(frozen=True)
class Asset:
    path: str  # where the file is published, e.g. "thu-tuc/1.001193/to-khai.docx"
    source: Path


@dataclass
class SiteContent:
    title: str = ""  # the site's name
    site_url: str | None = None  # where the site is published (ending in /), when catalogue.yml says so
    pages: list[Page] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    # generated files: search index (text), open data and blank forms (bytes; the largest open data as parts)
    data: dict[str, str | bytes | Joined] = field(default_factory=dict)
    search: SearchIndex | None = None
    shell: offline.Shell | None = None  # what the service worker precaches; None: the file:// build has none

    @property
    def procedure_pages(self) -> int:
        return sum(p.path.startswith(PROCEDURES + "/") for p in self.pages)


PROCEDURES = "thu-tuc"
# What most citizens come for, by national code, when catalogue.yml lists no ``featured``: birth,
# marriage, death, residence, ID card, driving licence, land title, household business,
# judicial record, certified copies, one-off social insurance. Only those the catalogue has.
FEATURED_DEFAULT = ("1.001193", "1.000894", "1.000656", "1.004222", "1.004194", "1.014063", "3.000347",
                    "1.012786", "1.001612", "3.000333", "2.000815", "1.001613")
LIST_PAGE = 100  # procedures on one page of a group's list
HOME_FEATURED = 8
HOME_FIELDS = 8  # the largest fields on the home page; all of them one tap away
BLANK_FORMS = "mau-trong"  # thu-tuc/<code>/mau-trong/<form id>.docx and .pdf


def procedure_path(code: str) -> str:
    return f"{PROCEDURES}/{code}/index.md"


def fill_path(code: str, form_id: str) -> str:
    """The page where a citizen fills in a form that defines its fields."""
    return f"{PROCEDURES}/{code}/khai/{form_id}/index.md"


EVENTS = "su-kien"  # su-kien/ lists the life events, su-kien/<id>/ is one event's steps


def event_path(event_id: str) -> str:
    return f"{EVENTS}/{event_id}/index.md"


EDITORS = "soan-thao.md"  # the format page for editors, linked from docs/huong-dan.md
LOOKUP = "tra-cuu-ho-so/index.md"  # checking a dossier already submitted, when catalogue.yml says how


def _has_lookup(catalogue: Catalogue) -> bool:
    lookup = catalogue.info.status_lookup
    return bool(lookup and (lookup.sms_number or lookup.url))


def _in_nav(path: str) -> bool:
    """Whether the engine may list a page in the navigation: not the thousands of procedure
    pages (a nav that long makes a build quadratic), not one group's list, not the editors',
    the open-data or the look-up page (linked from the home page, the guide, every procedure), nor
    the offline page (shown by the service worker only)."""
    return not (path.startswith((PROCEDURES + "/", EVENTS + "/")) or path.count("/") > 1 or
                path in (EDITORS, open_data.PAGE, LOOKUP, offline.PAGE))


@dataclass(frozen=True)
class Browse:
    """One way of grouping procedures: by field, agency, tier or level."""

    slug: str  # folder in the site
    title: str
    intro: str


BROWSES = {
    "fields": Browse("linh-vuc", "Thủ tục theo lĩnh vực", "Chọn lĩnh vực để xem các thủ tục thuộc lĩnh vực đó."),
    "agencies": Browse("co-quan", "Thủ tục theo cơ quan thực hiện",
                       "Chọn cơ quan để xem các thủ tục do cơ quan đó tiếp nhận và giải quyết."),
    "tiers": Browse("cap", "Thủ tục theo cấp thực hiện", "Chọn cấp chính quyền giải quyết thủ tục."),
    "levels": Browse("muc-do", "Thủ tục theo mức độ dịch vụ công trực tuyến",
                     "Mức độ cho biết bạn làm được gì trên mạng: xem thông tin, tải mẫu đơn, nộp hồ sơ "
                     "hay làm trọn vẹn thủ tục trực tuyến."),
}


class Urls:
    """Links between pages, relative so the site works under any base path."""

    def __init__(self, directory_urls: bool):
        self.directory_urls = directory_urls

    def url(self, path: str) -> str:
        """Site-relative URL of a page or file at source ``path``."""
        if not path.endswith(".md"):
            return path
        stem = path[:-3]
        if stem == "index" or stem.endswith("/index"):
            base = stem[: -len("index")]
            return base if self.directory_urls else base + "index.html"
        return stem + "/" if self.directory_urls else stem + ".html"

    def relative(self, from_path: str, to_path: str) -> str:
        here_url = self.url(from_path)
        here = here_url.rstrip("/") if here_url.endswith("/") or not here_url else posixpath.dirname(here_url)
        target = self.url(to_path)
        rel = posixpath.relpath(target or ".", here or ".")
        if target.endswith("/") or not target:
            rel = "./" if rel == "." else rel + "/"
        return rel


def environment(templates: Path, autoescape: bool = True) -> jinja2.Environment:
    """The project's Jinja2 settings; pages autoescape (HTML), the YAML scaffold does not."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # "{#id}" is Markdown's heading-anchor syntax, so Jinja comments use "{##".
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters["vn_date"] = vn_date
    env.filters["task_name"] = task_name
    env.filters["past_only"] = past_only
    env.filters["code_spans"] = code_spans
    return env


def task_name(name: str) -> str:
    """A procedure's name as a task on the home page: “Đăng ký khai sinh”, not “Thủ tục đăng ký khai sinh”."""
    name = re.sub(r"^Thủ tục\s+", "", name)
    return name[:1].upper() + name[1:]


# A date field whose label says it is a birth or a death: such a day cannot be after today.
_PAST_WORDS = re.compile(r"\b(sinh|mat|chet|qua doi|tu tran|ngay cap)\b")


def past_only(label: str) -> bool:
    from generator.search import fold

    return bool(_PAST_WORDS.search(fold(label)))


# The permalink Python-Markdown's toc extension adds to a heading (mkdocs.yml: toc, permalink_title),
# so that HTML pages and Markdown pages show the same "¶" link.
def _heading(level: int, id: str, text: str) -> Markup:
    """Each value escaped, as ``Markup.format`` would escape it; its formatter cost a national
    build 0.4 s (20,000 headings), six times what this costs."""
    id, text = escape(id), escape(text)
    return Markup(f'<h{level:d} id="{id}">{text}<a class="headerlink" href="#{id}" '
                  f'title="Liên kết tới mục này">&para;</a></h{level:d}>')


def code_spans(text: str) -> Markup:
    """Our own rule texts: escaped, then `…` shown in code font. Never for YAML data."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def _glance(entry: Entry) -> dict[str, list[tuple[str, str]]]:
    """Time and fee at a glance: one value if every channel agrees, else one per channel."""
    out = {}
    for key in ("processing_time", "fee"):
        pairs = [(CHANNEL_NAMES[c.type], getattr(c, key)) for c in entry.procedure.channels if getattr(c, key)]
        if len({v for _, v in pairs}) == 1:
            pairs = [("", pairs[0][1])]
        out[key] = pairs
    return out


@dataclass(frozen=True)
class StepView:
    """One step of an event as its pages show it."""

    number: int  # from 1
    step: EventStep
    code: str
    name: str  # the procedure's name, also when it is not published
    entry: Entry | None  # None: the procedure is a draft, never published, so never linked
    ways: str = ""  # how it can be submitted: "trực tiếp, trực tuyến"
    glance: dict | None = None


@dataclass(frozen=True)
class EventView:
    event: Event
    path: str
    steps: tuple[StepView, ...]

    @property
    def optional(self) -> bool:
        return any(s.step.optional for s in self.steps)


@dataclass(frozen=True)
class Neighbour:
    code: str
    name: str
    linked: bool  # False: a draft, named without a link
    optional: bool = False  # said beside the link: "next" may be a step the citizen skips


@dataclass(frozen=True)
class Place:
    """Where a procedure sits in one event: for its page's “Bước N/M” block."""

    path: str  # the event's page
    title: str
    number: int
    total: int
    optional: bool
    previous: Neighbour | None
    next: Neighbour | None


def event_views(catalogue: Catalogue) -> list[EventView]:
    """The events of events.yml with each step's procedure: published, or a draft (no link)."""
    published = {e.procedure.code: e for e in catalogue.entries}
    drafts = {e.procedure.code: e for e in catalogue.drafts}
    views = []
    for event in catalogue.events:
        steps = []
        for number, step in enumerate(event.steps, 1):
            entry = published.get(step.procedure)
            named = entry or drafts[step.procedure]  # the loader refuses any other code
            ways = ", ".join(CHANNEL_NAMES[c.type].lower() for c in entry.procedure.channels) if entry else ""
            steps.append(StepView(number, step, step.procedure, named.procedure.name, entry, ways,
                                  _glance(entry) if entry else None))
        views.append(EventView(event, event_path(event.id), tuple(steps)))
    return views


def places_of(views: list[EventView]) -> dict[str, list[Place]]:
    """By procedure code, every event it is a step of."""
    out: dict[str, list[Place]] = defaultdict(list)

    def neighbour(steps, i) -> Neighbour | None:
        if not 0 <= i < len(steps):
            return None
        s = steps[i]
        return Neighbour(s.code, s.name, s.entry is not None, s.step.optional)

    for view in views:
        for i, s in enumerate(view.steps):
            out[s.code].append(Place(view.path, view.event.title, s.number, len(view.steps), s.step.optional,
                                     neighbour(view.steps, i - 1), neighbour(view.steps, i + 1)))
    return out


class Memo:
    """What the previous generation produced, for the preview to regenerate only what changed.

    A page is reused when everything its template reads is equal to last time. The
    inputs are compared with ``==``, which Python short-cuts on identity, and the
    loader hands back the very same model objects for files that did not change, so
    comparing a national catalogue's inputs costs milliseconds, not a re-render.
    """

    def __init__(self) -> None:
        self.pages: dict[str, tuple[tuple, Page]] = {}
        self.terms = TermMemo()
        self.open_data = open_data.Memo()
        self.blank_forms: dict[str, tuple[tuple, dict[str, bytes]]] = {}


class _Builder:
    def __init__(self, catalogue: Catalogue, templates: Path, directory_urls: bool, memo: Memo | None = None):
        self.catalogue = catalogue
        self.urls = Urls(directory_urls)
        self.env = environment(templates)
        self.memo = memo or Memo()
        self.content = SiteContent(title=catalogue.info.title, site_url=catalogue.info.site_root)
        self.links = open_data.Links({}, {})
        self.stats: dict = {}  # statistics.figures, once build() has made the pages
        self.first_fill_in: str | None = None  # a fill-in form's page, for the service worker
        entries = sorted(catalogue.entries, key=lambda e: sort_key(e.procedure.name))
        self.entries = entries
        self.events = event_views(catalogue)
        self.places = places_of(self.events)
        self.links.events.update((v.event.id, self.urls.url(v.path)) for v in self.events)
        self.groups: dict[str, dict] = {
            "fields": defaultdict(list), "agencies": defaultdict(list),
            "tiers": defaultdict(list), "levels": defaultdict(list),
        }
        for e in entries:
            p = e.procedure
            self.groups["fields"][p.field].append(e)
            self.groups["agencies"][p.agency].append(e)
            for tier in p.tiers:
                self.groups["tiers"][tier].append(e)
            self.groups["levels"][p.level].append(e)

    def render(self, template: str, path: str, title: str, inputs: tuple, description: str = "", **context) -> None:
        """``inputs``: everything the page depends on beyond the catalogue's registries."""
        key = (template, title, description, self.catalogue.info, self.urls.directory_urls, inputs)
        cached = self.memo.pages.get(path)
        if cached is not None and cached[0] == key:
            self.content.pages.append(cached[1])
            return

        def rel(target: str) -> str:
            return self.urls.relative(path, target)

        headings: list[Heading] = []

        def heading(level: int, id: str, text: str) -> Markup:
            headings.append(Heading(level, id, text))
            return _heading(level, id, text)

        markdown = self.env.get_template(template).render(
            heading=heading,
            catalogue=self.catalogue, info=self.catalogue.info, levels=LEVELS, browses=BROWSES,
            lookup_page=rel(LOOKUP) if _has_lookup(self.catalogue) else None,
            rel=rel, proc=lambda code: rel(procedure_path(code)), title=title,
            fill=lambda code, form_id: rel(fill_path(code, form_id)),
            channel_names=CHANNEL_NAMES, **context)
        description = description or f"{title} – {self.catalogue.info.title}"
        page = Page(path, title, markdown, in_nav=_in_nav(path), description=description,
                    html=template.endswith(".html.j2"), headings=tuple(headings))
        self.memo.pages[path] = (key, page)
        self.content.pages.append(page)

    def registry(self, kind: str) -> list[tuple[str, str, object, list[Entry]]]:
        """(id, name, registry entry, procedures) for every non-empty group, sorted by name."""
        if kind == "levels":
            return [(str(n), f"Mức độ {n}", LEVELS[n], self.groups["levels"][n]) for n in sorted(LEVELS)]
        registry = getattr(self.catalogue, kind)
        rows = [(i, registry[i].name, registry[i], es) for i, es in self.groups[kind].items()]
        return sorted(rows, key=lambda r: sort_key(r[1]))

    def build(self) -> SiteContent:
        forms = []
        for entry in self.entries:
            p = entry.procedure
            path = procedure_path(p.code)
            downloads = []
            for form in p.forms:
                mine = []
                if form.file:
                    source = entry.form_path(form)
                    extension = source.suffix.lower().lstrip(".")
                    asset = f"{PROCEDURES}/{p.code}/{form.id}.{extension}"
                    self.content.assets.append(Asset(asset, source))
                    mine.append({"form": form, "asset": asset, "format": extension.upper(), "label": extension.upper(),
                                 "size": file_size(source.stat().st_size),
                                 "filename": f"{p.code}-{form.id}.{extension}"})
                mine += self._blank_forms(entry, form)
                for i, download in enumerate(mine):  # a form has a file, fields or both
                    download["first"] = i == 0
                downloads += mine
            forms += [(entry, d) for d in downloads]
            self.links.pages[p.code] = self.urls.url(path)
            self.links.forms[p.code] = {d["form"].id: d["asset"] for d in downloads if d.get("first")}
            places = self.places.get(p.code, [])
            self.render("procedure.html.j2", path, p.name,
                        (p, entry.source, entry.provenance, _sizes(downloads), tuple(places)),
                        description=p.summary or f"{p.name}: giấy tờ cần chuẩn bị, nơi nộp, thời hạn giải quyết, "
                                                 f"phí, lệ phí và mẫu đơn (mã thủ tục {p.code}).",
                        p=p, entry=entry, level=LEVELS[p.level],
                        json_ld=self._json_ld, qr=self._qr,
                        agency=self.catalogue.agencies[p.agency], field=self.catalogue.fields[p.field],
                        tiers=[self.catalogue.tiers[t] for t in p.tiers], downloads=downloads,
                        forms_by_id={d["form"].id: d for d in downloads if d["first"]}, glance=_glance(entry),
                        places=places)
            self._fill_pages(entry)

        for kind, browse in BROWSES.items():
            rows = self.registry(kind)
            self.render("browse-index.html.j2", f"{browse.slug}/index.md", browse.title,
                        tuple((i, len(es)) for i, _, _, es in rows), kind=kind, browse=browse, rows=rows)
            for group_id, name, item, entries in rows:
                if entries:
                    self._list_pages(kind, browse, group_id, name, item, entries)

        forms.sort(key=lambda pair: (sort_key(self.catalogue.fields[pair[0].procedure.field].name),
                                     sort_key(pair[1]["form"].title)))
        self.render("forms.html.j2", "bieu-mau/index.md", "Biểu mẫu, tờ khai",
                    tuple((e.procedure.code, e.procedure.name, e.procedure.field, d["form"], d["asset"], d["size"])
                          for e, d in forms), forms=forms)
        level_counts = Counter(e.procedure.level for e in self.entries)
        featured = self._featured()
        fields = self.registry("fields")
        largest = sorted(fields, key=lambda r: -len(r[3]))[:HOME_FIELDS]
        province = f" của {self.catalogue.info.province}" if self.catalogue.info.province else ""
        home_description = (f"{len(self.entries)} thủ tục hành chính{province}: giấy tờ cần chuẩn bị, mẫu đơn, "
                            "nơi nộp, thời hạn và lệ phí; tìm được khi gõ không dấu.")
        self.render("home.html.j2", "index.md", self.catalogue.info.title,
                    (len(self.entries), tuple(sorted(level_counts.items())), len(forms), len(fields),
                     tuple((i, n, len(es)) for i, n, _, es in largest), tuple(_listed(e) for e in featured),
                     tuple((v.path, v.event.title) for v in self.events)),
                    description=home_description,
                    entries=self.entries, level_counts=level_counts, fields=fields, form_count=len(forms),
                    featured=featured, largest=largest, events=self.events)
        self._event_pages()
        self.stats = stats = statistics.figures(self.catalogue)  # the open data publishes the same figures
        self.render("statistics.html.j2", "thong-ke/index.md", "Thống kê", (stats,), stats=stats,
                    charts=charts.for_page(stats), top=charts.TOP, number=vn_number, percent=vn_percent,
                    share=statistics.share)
        self.render("faq.md.j2", "hoi-dap/index.md", "Hỏi đáp về dịch vụ công trực tuyến", ())
        if _has_lookup(self.catalogue):
            self.render("lookup.html.j2", LOOKUP, "Tra cứu hồ sơ đã nộp", ())
        self.render("search.html.j2", "tim-kiem/index.md", "Tìm thủ tục", (), directory_urls=self.urls.directory_urls)
        self.render("reference.md.j2", EDITORS, "Soạn thảo thủ tục: định dạng tệp", (),
                    ref=reference.build(self.catalogue.info))
        if self.urls.directory_urls:  # index.html links are the build opened from file://: no worker there
            self._offline(home_description)
        return self.content

    def _offline(self, description: str) -> None:
        """Offline after one visit, installable: the offline page, the manifest, what the worker precaches."""
        self.render("offline.html.j2", offline.PAGE, "Bạn đang không có mạng", (),
                    description="Trang hiện ra khi không có mạng: các trang đã lưu trên máy và cách tra cứu "
                                "hồ sơ bằng tin nhắn.")
        self.content.data[offline.MANIFEST] = offline.manifest(self.catalogue.info.title, description,
                                                               self.urls.url("index.md"))
        shell = ["index.md", "tim-kiem/index.md"] + ([LOOKUP] if _has_lookup(self.catalogue) else []) + [offline.PAGE]
        fill_in = self.urls.url(self.first_fill_in) if self.first_fill_in else None
        self.content.shell = offline.Shell(tuple(self.urls.url(p) for p in shell), fill_in)

    def _event_pages(self) -> None:
        """su-kien/ and one page per event, when events.yml has any."""
        if not self.events:
            return
        self.render("events.html.j2", f"{EVENTS}/index.md", "Sự kiện",
                    tuple((v.event, len(v.steps)) for v in self.events),
                    description="Các thủ tục cần làm khi sinh con, kết hôn, người thân qua đời, xây nhà, mở hộ kinh "
                                "doanh…, theo thứ tự nên làm.", events=self.events)
        for view in self.events:
            self.render("event.html.j2", view.path, view.event.title,
                        (view.event, tuple((s.code, s.name, s.entry and s.entry.procedure) for s in view.steps)),
                        description=view.event.summary, view=view)

    def _featured(self) -> list[Entry]:
        """The home page's most-used procedures: catalogue.yml's ``featured``, else the tool's list."""
        by_code = {e.procedure.code: e for e in self.entries}
        codes = self.catalogue.info.featured or FEATURED_DEFAULT
        return [by_code[c] for c in codes if c in by_code][:HOME_FEATURED]

    def _blank_forms(self, entry: Entry, form: Form) -> list[dict]:
        """The blank DOCX and PDF of a form that defines its fields; the preview makes them
        again only when the form (or the day they are dated) changed."""
        if not form.fields:
            return []
        p = entry.procedure
        key, cached = (form, p.updated), self.memo.blank_forms.get(f"{p.code}/{form.id}")
        if cached is None or cached[0] != key:
            dated = date.fromisoformat(p.updated) if p.updated else None
            cached = self.memo.blank_forms[f"{p.code}/{form.id}"] = (
                key, {"docx": blank_forms.docx(form, dated), "pdf": blank_forms.pdf(form, dated)})
        out = []
        for extension, data in cached[1].items():
            asset = f"{PROCEDURES}/{p.code}/{BLANK_FORMS}/{form.id}.{extension}"
            self.content.data[asset] = data
            out.append({"form": form, "asset": asset, "format": extension.upper(), "blank": True,
                        "label": f"Mẫu trống ({extension.upper()})", "size": file_size(len(data)),
                        "filename": f"{p.code}-{form.id}-mau-trong.{extension}"})
        return out

    def _qr(self, procedure: Procedure) -> Markup:
        """The page's address as a QR code (SVG, made here, no network), for the printed page a
        one-stop-shop counter hands out; nothing when the site's address is not known."""
        site = self.catalogue.info.site_root
        if not site:
            return Markup("")
        url = site + self.urls.url(procedure_path(procedure.code))
        return Markup(segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=False,
                                                           title=f"Mã QR của trang: {url}"))

    def _json_ld(self, procedure: Procedure) -> Markup:
        """Called by the template, so a page the memo reuses costs nothing."""
        site = self.catalogue.info.site_root
        url = site + self.urls.url(procedure_path(procedure.code)) if site else None
        return script_json(government_service(procedure, self.catalogue, url))

    def add_open_data(self) -> None:
        files = open_data.build(self.catalogue, self.links, self.stats, self.memo.open_data)
        self.content.data.update(files)
        one = open_data.ONE_FOLDER + "/"
        lengths = {path: len(data) for path, data in files.items()}
        sizes = {path: file_size(n) for path, n in lengths.items() if not path.startswith(one)}
        sizes[open_data.ONE_FOLDER] = file_size(sum(n for path, n in lengths.items() if path.startswith(one)))
        count, example = len(lengths) - len(sizes) + 1, min(self.links.pages, default=None)
        self.render("open-data.md.j2", open_data.PAGE, "Dữ liệu mở", (tuple(sorted(sizes.items())), count, example),
                    sizes=sizes, count=count, example=example, paths=open_data)

    def keep_open_data_page(self) -> None:
        """The preview's first step: last run's open-data page stays until its files are made again."""
        cached = self.memo.pages.get(open_data.PAGE)
        if cached is not None:
            self.content.pages.append(cached[1])

    def _fill_pages(self, entry: Entry) -> None:
        """A page per form with fields: filled in, checked, printed and saved on the phone."""
        p = entry.procedure
        for form in p.forms:
            if form.fields:
                self.render("form.html.j2", fill_path(p.code, form.id), form.title, (p.code, p.name, form),
                            p=p, form=form, paper=blank_forms)
                self.first_fill_in = self.first_fill_in or fill_path(p.code, form.id)

    def _list_pages(self, kind: str, browse: Browse, group_id: str, name: str, item, entries: list[Entry]) -> None:
        """One group's procedures, LIST_PAGE to a page: a national group (level 4: hundreds of
        procedures) stays a short download on a phone, and every procedure keeps a plain link."""
        grouped = len(entries) > 30 and kind != "fields"
        if grouped:  # by field, then name, so each page's headings follow on from the last
            names = {f: sort_key(self.catalogue.fields[f].name) for f in {e.procedure.field for e in entries}}
            entries = sorted(entries, key=lambda e: (names[e.procedure.field], sort_key(e.procedure.name)))
        chunks = [entries[i:i + LIST_PAGE] for i in range(0, len(entries), LIST_PAGE)]
        paths = [f"{browse.slug}/{group_id}/index.md"] + [f"{browse.slug}/{group_id}/trang-{n}/index.md"
                                                           for n in range(2, len(chunks) + 1)]
        for number, (path, chunk) in enumerate(zip(paths, chunks), 1):
            self.render("browse-list.html.j2", path, name if number == 1 else f"{name} (trang {number})",
                        (tuple(_listed(e) for e in chunk), number, len(chunks), len(entries)),
                        kind=kind, browse=browse, item=item, name=name, entries=chunk, total=len(entries),
                        by_field=self._by_field(chunk, sort=False) if grouped else None,
                        pages=paths if len(paths) > 1 else [], number=number)

    def _by_field(self, entries: list[Entry], sort: bool = True) -> list[tuple[str, str, list[Entry]]]:
        grouped: dict[str, list[Entry]] = defaultdict(list)
        for e in entries:
            grouped[e.procedure.field].append(e)
        rows = [(f, self.catalogue.fields[f].name, es) for f, es in grouped.items()]
        return sorted(rows, key=lambda r: sort_key(r[1])) if sort else rows


def _listed(entry: Entry) -> tuple:
    """What a list of procedures shows of one: a fee edit does not re-render the lists."""
    p = entry.procedure
    return p.code, p.name, p.level, p.agency, p.field


def _sizes(downloads: list[dict]) -> tuple:
    return tuple((d["asset"], d["size"]) for d in downloads)


def generate(catalogue: Catalogue, templates: Path, directory_urls: bool = True,
             memo: Memo | None = None, search: bool = True) -> SiteContent:
    """``memo``: the preview's record of the previous run; a build starts from nothing.

    ``search=False`` leaves the index and the open data out (the open-data page is the
    previous run's), for the preview to publish pages first.
    """
    builder = _Builder(catalogue, templates, directory_urls, memo)
    content = builder.build()
    if search:
        add_search(content, catalogue, memo)
        builder.add_open_data()
    else:
        builder.keep_open_data_page()
    return content


def add_search(content: SiteContent, catalogue: Catalogue, memo: Memo | None = None) -> None:
    content.search = build_index(catalogue, memo.terms if memo else None)
    content.data.update(content.search.files())
