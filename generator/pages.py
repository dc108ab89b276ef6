"""The validated catalogue → the pages and files of the site, engine-neutral.

``generate`` returns virtual pages (Markdown whose data parts are escaped HTML
blocks) and static files with their sources. Any static-site engine that takes
Markdown pages can publish them; ``mkdocs_hooks`` is the MkDocs adapter.

Data from YAML reaches a page only through Jinja2 autoescaping and only inside
raw HTML blocks, where Markdown does not parse: a value can never become markup,
a Markdown link or template code.
"""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from generator.levels import LEVELS
from generator.model import CHANNEL_NAMES, Catalogue, Entry
from generator.search import build_index
from generator.text import file_size, sort_key, vn_date


@dataclass(frozen=True)
class Page:
    path: str  # source path inside the site, e.g. "thu-tuc/1.001193/index.md"
    title: str  # plain text; the engine escapes it
    markdown: str


@dataclass(frozen=True)
class Asset:
    path: str  # where the file is published, e.g. "thu-tuc/1.001193/to-khai.docx"
    source: Path


@dataclass
class SiteContent:
    pages: list[Page] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    data: dict[str, str] = field(default_factory=dict)  # generated text files, e.g. the search index
    search_report: str = ""

    @property
    def procedure_pages(self) -> int:
        return sum(p.path.startswith(PROCEDURES + "/") for p in self.pages)


PROCEDURES = "thu-tuc"


def procedure_path(code: str) -> str:
    return f"{PROCEDURES}/{code}/index.md"


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
    return env


def _glance(entry: Entry) -> dict[str, list[tuple[str, str]]]:
    """Time and fee at a glance: one value if every channel agrees, else one per channel."""
    out = {}
    for key in ("processing_time", "fee"):
        pairs = [(CHANNEL_NAMES[c.type], getattr(c, key)) for c in entry.procedure.channels if getattr(c, key)]
        if len({v for _, v in pairs}) == 1:
            pairs = [("", pairs[0][1])]
        out[key] = pairs
    return out


class _Builder:
    def __init__(self, catalogue: Catalogue, templates: Path, directory_urls: bool):
        self.catalogue = catalogue
        self.urls = Urls(directory_urls)
        self.env = environment(templates)
        self.content = SiteContent()
        entries = sorted(catalogue.entries, key=lambda e: sort_key(e.procedure.name))
        self.entries = entries
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

    def render(self, template: str, path: str, title: str, **context) -> None:
        def rel(target: str) -> str:
            return self.urls.relative(path, target)

        markdown = self.env.get_template(template).render(
            catalogue=self.catalogue, info=self.catalogue.info, levels=LEVELS, browses=BROWSES,
            rel=rel, proc=lambda code: rel(procedure_path(code)), title=title,
            channel_names=CHANNEL_NAMES, **context)
        self.content.pages.append(Page(path, title, markdown))

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
                source = entry.form_path(form)
                extension = source.suffix.lower().lstrip(".")
                asset = f"{PROCEDURES}/{p.code}/{form.id}.{extension}"
                self.content.assets.append(Asset(asset, source))
                downloads.append({"form": form, "asset": asset, "format": extension.upper(),
                                  "size": file_size(source.stat().st_size)})
            forms += [(entry, d) for d in downloads]
            self.render("procedure.md.j2", path, p.name, p=p, entry=entry, level=LEVELS[p.level],
                        agency=self.catalogue.agencies[p.agency], field=self.catalogue.fields[p.field],
                        tiers=[self.catalogue.tiers[t] for t in p.tiers], downloads=downloads,
                        forms_by_id={d["form"].id: d for d in downloads}, glance=_glance(entry))

        for kind, browse in BROWSES.items():
            rows = self.registry(kind)
            self.render("browse-index.md.j2", f"{browse.slug}/index.md", browse.title,
                        kind=kind, browse=browse, rows=rows)
            for group_id, name, item, entries in rows:
                if not entries:
                    continue
                self.render("browse-list.md.j2", f"{browse.slug}/{group_id}/index.md", name,
                            kind=kind, browse=browse, item=item, name=name, entries=entries,
                            by_field=self._by_field(entries) if len(entries) > 30 and kind != "fields" else None)

        forms.sort(key=lambda pair: (sort_key(self.catalogue.fields[pair[0].procedure.field].name),
                                     sort_key(pair[1]["form"].title)))
        self.render("forms.md.j2", "bieu-mau/index.md", "Biểu mẫu, tờ khai", forms=forms)
        level_counts = Counter(e.procedure.level for e in self.entries)
        self.render("home.md.j2", "index.md", self.catalogue.info.title, entries=self.entries,
                    level_counts=level_counts, fields=self.registry("fields"), form_count=len(forms))
        self.render("faq.md.j2", "hoi-dap/index.md", "Hỏi đáp về dịch vụ công trực tuyến")
        self.render("search.md.j2", "tim-kiem/index.md", "Tìm thủ tục", directory_urls=self.urls.directory_urls)
        index = build_index(self.catalogue)
        self.content.data.update(index.files())
        self.content.search_report = index.report()
        return self.content

    def _by_field(self, entries: list[Entry]) -> list[tuple[str, str, list[Entry]]]:
        grouped: dict[str, list[Entry]] = defaultdict(list)
        for e in entries:
            grouped[e.procedure.field].append(e)
        rows = [(f, self.catalogue.fields[f].name, es) for f, es in grouped.items()]
        return sorted(rows, key=lambda r: sort_key(r[1]))


def generate(catalogue: Catalogue, templates: Path, directory_urls: bool = True) -> SiteContent:
    return _Builder(catalogue, templates, directory_urls).build()
