"""The badge PDF engine: plain badge data in, PDF bytes out.

Knows nothing about the database or Flask, so worker processes can run it. Everything cached
per process (font configuration, parsed stylesheets, font metrics, the Jinja environment) is
independent of the people on the badges: a renamed attendee's next PDF shows the new name.

Speed (see benchmarks/badges.py): stylesheets are parsed once per process, QR codes are drawn
without a QR image library (fixed version 1-M, 1-bit PNG written directly), and large batches
are split into chunks rendered by worker processes and merged with PDFium.
"""

from __future__ import annotations

import atexit
import contextvars
import ctypes.util
import dataclasses
import functools
import gc
import io
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from conference.services.badges.qr import qr_png
from conference.services.badges.text import (
    LINE_HEIGHT,
    MM_TO_PT,
    advances,
    fit_text,
    font_files,
)

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_DIR = PROJECT_ROOT / "templates" / "badges"
STATIC_DIR = PROJECT_ROOT / "static"


#: Badges per worker chunk: big enough to amortise per-document costs, small enough to keep
#: each process far below the memory target.
CHUNK_SIZE = 200
#: Below this many badges one process renders everything (worker start-up would cost more).
PARALLEL_THRESHOLD = 120
#: With a warm pool running (``start_warm_pool``), from this many badges on the batch is
#: split over its processes: they are already started, so only the PDF merge is extra.
POOL_THRESHOLD = 8

#: (pool, its size, the upload root its stylesheets were parsed for), or None.
_warm_pool: tuple[ProcessPoolExecutor, int, str] | None = None


@dataclasses.dataclass(frozen=True)
class Layout:
    """Page and badge geometry (millimetres) of one print format."""

    key: str
    page: tuple[float, float]
    badge: tuple[float, float]
    columns: int
    rows: int
    design: str  # "portrait" or "landscape"
    crop_marks: bool = False

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


LAYOUTS: dict[str, Layout] = {
    "a6": Layout("a6", (105, 148), (105, 148), 1, 1, "portrait"),
    "card": Layout("card", (90, 55), (90, 55), 1, 1, "landscape"),
    "a4-8": Layout("a4-8", (210, 297), (105, 74.25), 2, 4, "landscape"),
    "a4-4": Layout("a4-4", (210, 297), (105, 148.5), 2, 2, "portrait", crop_marks=True),
}

#: Ribbon colours (white text on each has a contrast above 4.5:1).
ROLE_COLOURS = {
    "attendee": "#1d4ed8",
    "speaker": "#c2410c",
    "organizer": "#6d28d9",
    "staff": "#047857",
    "press": "#b91c1c",
    "partner": "#0e7490",
}


@dataclasses.dataclass(frozen=True)
class BadgeData:
    """What one badge shows, as plain values (picklable for worker processes)."""

    first_name: str
    last_name: str
    organization: str
    role: str
    role_label: str
    ticket_code: str
    #: The event's name and dates in the holder's language (empty: the batch's ``EventData``).
    event_name: str = ""
    event_dates: str = ""


@dataclasses.dataclass(frozen=True)
class EventData:
    """What every badge of a batch shares."""

    name: str
    dates: str
    logo_path: str | None = None


# --- Safe resource loading ---------------------------------------------------------------

QR_SCHEME = "badge-qr"


def _url_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BadgeURLFetcher(URLFetcher):
        """Serves our static files, the upload folder, the badge fonts and the QR images of
        this render. Everything else (http, https, data:, other files) is refused, so text
        that a person typed can never make the renderer fetch anything."""

        def __init__(self, roots: Iterable[Path], qr_codes: Iterable[str] = ()):
            super().__init__(allowed_protocols=("file", QR_SCHEME), fail_on_errors=False)
            self.roots = [Path(root).resolve() for root in roots]
            self.files = {path.resolve() for path in font_files().values()}
            self.qr_codes = set(qr_codes)

        def fetch(self, url, headers=None):
            if url.startswith(QR_SCHEME + ":"):
                code = url[len(QR_SCHEME) + 1:]
                if code not in self.qr_codes:
                    raise ValueError(f"refused: QR image for an unknown code {url[:80]!r}")
                return URLFetcherResponse(url, qr_png(code), {"Content-Type": "image/png"})
            if not url.startswith("file:///"):
                raise ValueError(f"refused: {url[:80]!r}")
            from urllib.request import url2pathname

            path = Path(url2pathname(url[len("file://"):].split("?")[0].split("#")[0]))
            path = path.resolve()
            allowed = path in self.files or any(path.is_relative_to(root) for root in self.roots)
            if not allowed or not path.is_file():
                raise ValueError(f"refused: {url[:80]!r}")
            return URLFetcherResponse(url, path.read_bytes(), {})

    return BadgeURLFetcher


# --- Rendering ---------------------------------------------------------------------------


@functools.cache
def _jinja() -> Environment:
    # Autoescape everywhere but in badges.css, which holds no user data at all.
    return Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)),
                       autoescape=select_autoescape(["html"], disabled_extensions=["css"],
                                                    default=True),
                       trim_blocks=True, lstrip_blocks=True)


@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    # Dropped before interpreter shutdown: its __del__ needs modules that are gone by then.
    atexit.register(_drop_process_caches)
    return FontConfiguration()


def _drop_process_caches() -> None:
    _stylesheet.cache_clear()
    _font_config.cache_clear()
    gc.collect()


@functools.cache
def _stylesheet(layout_key: str, upload_root: str):
    """The parsed stylesheet of a layout (fonts and geometry; nothing about people)."""
    from weasyprint import CSS

    layout = LAYOUTS[layout_key]
    css = _jinja().get_template("badges.css").render(
        layout=layout, fonts={k: v.as_uri() for k, v in font_files().items()},
        colours=ROLE_COLOURS, cells=_cells(layout), geometry=_geometry(layout),
    )
    fetcher = _url_fetcher_class()([STATIC_DIR, upload_root])
    return CSS(string=css, font_config=_font_config(), url_fetcher=fetcher)


def _cells(layout: Layout) -> list[tuple[float, float]]:
    """Top-left corner (mm) of each badge on a page, row by row."""
    width, height = layout.badge
    left = (layout.page[0] - layout.columns * width) / 2
    top = (layout.page[1] - layout.rows * height) / 2
    return [(round(left + col * width, 2), round(top + row * height, 2))
            for row in range(layout.rows) for col in range(layout.columns)]


def _geometry(layout: Layout) -> dict[str, float]:
    """Boxes inside one badge (mm); the name and organization are fitted into them."""
    width, height = layout.badge
    if layout.design == "portrait":
        pad = 7.0
        return {"pad": pad, "header": 22.0, "name_w": width - 2 * pad, "name_h": 38.0,
                "org_h": 13.0, "qr": 34.0, "ribbon": 15.0, "name_max": 40.0, "org_max": 13.0,
                "event_max": 11.0, "back_name_h": 60.0}
    pad = 4.0
    header, ribbon = 9.0, 9.0
    body = height - header - ribbon - 2
    qr = min(body - 2, 32.0)
    return {"pad": pad, "header": header, "ribbon": ribbon, "qr": qr,
            "name_w": width - 2 * pad - qr - 3, "name_h": round(body * 0.62, 2),
            "org_h": round(body * 0.3, 2), "name_max": 26.0, "org_max": 9.0,
            "event_max": 8.0, "back_name_h": round(body * 0.8, 2)}


def _badge_context(badge: BadgeData, geometry: dict[str, float],
                   back_width: float) -> dict[str, object]:
    name = f"{badge.first_name} {badge.last_name}".strip()
    split = [badge.first_name, badge.last_name]
    name_lines, name_pt = fit_text(name, geometry["name_w"], geometry["name_h"],
                                   max_pt=geometry["name_max"], max_lines=3, preferred=split)
    org_lines, org_pt = fit_text(badge.organization, geometry["name_w"], geometry["org_h"],
                                 max_pt=geometry["org_max"], weight="regular")
    back_lines, back_pt = fit_text(name, back_width, geometry["back_name_h"],
                                   max_pt=geometry["name_max"] * 1.2, max_lines=3,
                                   preferred=split)
    return {"badge": badge, "name_lines": name_lines, "name_pt": name_pt,
            "name_pad": _centre(geometry["name_h"], len(name_lines), name_pt),
            "org_lines": org_lines, "org_pt": org_pt, "back_lines": back_lines,
            "back_pt": back_pt,
            "back_pad": _centre(geometry["back_name_h"], len(back_lines), back_pt)}


def _centre(box_mm: float, lines: int, size_pt: float) -> float:
    """Top padding (pt) that centres ``lines`` lines vertically in a box."""
    return round(max(0.0, (box_mm * MM_TO_PT - lines * LINE_HEIGHT * size_pt) / 2), 1)


def badge_pages(layout: Layout, count: int, double_sided: bool) -> list[list[tuple[int, str]]]:
    """Pages as lists of (badge index, side); backs mirror columns for long-edge duplex."""
    pages = []
    for start in range(0, count, layout.per_page):
        indexes = list(range(start, min(start + layout.per_page, count)))
        pages.append([(i, "front") for i in indexes])
        if double_sided:
            back = []
            for i in indexes:
                slot = i - start
                row, col = divmod(slot, layout.columns)
                back.append((i, "back", row * layout.columns + (layout.columns - 1 - col)))
            pages.append(back)
    return pages


_RENDERING_BADGES = contextvars.ContextVar("rendering_badges", default=False)


@functools.cache
def _skip_empty_margin_boxes() -> None:
    """Badge pages have no margin boxes (no @top-left etc. in badges.css), yet WeasyPrint
    computes the style of all 16 of them on every page: a seventh of a badge's time. While a
    badge document is laid out, skip them; every other document is left as it is."""
    import weasyprint.layout as layout

    original = getattr(layout, "make_margin_boxes", None)
    if original is None:  # another WeasyPrint version: keep its behaviour
        return

    def make_margin_boxes(context, page, state):
        if _RENDERING_BADGES.get():
            return ()
        return original(context, page, state)

    layout.make_margin_boxes = make_margin_boxes


def render_chunk(event: EventData, badges: list[BadgeData], layout_key: str,
                 double_sided: bool, upload_root: str) -> bytes:
    """Render badges into one PDF in this process (the unit of work of a worker)."""
    from weasyprint import HTML

    _skip_empty_margin_boxes()

    layout = LAYOUTS[layout_key]
    geometry = _geometry(layout)
    back_width = layout.badge[0] - 2 * geometry["pad"]
    headers: dict[str, tuple[list[str], float]] = {}  # one fit per language's event name

    def header(name: str) -> tuple[list[str], float]:
        if name not in headers:
            headers[name] = fit_text(name, layout.badge[0] - 2 * geometry["pad"]
                                     - (14 if event.logo_path else 0),
                                     geometry["header"] * 0.55, max_pt=geometry["event_max"])
        return headers[name]

    contexts = []
    for badge in badges:
        context = _badge_context(badge, geometry, back_width)
        context["event_lines"], context["event_pt"] = header(badge.event_name or event.name)
        context["dates"] = badge.event_dates or event.dates
        contexts.append(context)
    pages = []
    for page in badge_pages(layout, len(badges), double_sided):
        cells = []
        for entry in page:
            index, side = entry[0], entry[1]
            slot = entry[2] if side == "back" else index % layout.per_page
            cells.append({"slot": slot, "side": side, **contexts[index]})
        pages.append(cells)
    html = _jinja().get_template("badges.html").render(
        event=event, pages=pages, layout=layout,
        logo_url=Path(event.logo_path).as_uri() if event.logo_path else None,
        qr_scheme=QR_SCHEME,
    )
    fetcher = _url_fetcher_class()([STATIC_DIR, upload_root], [b.ticket_code for b in badges])
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
    token = _RENDERING_BADGES.set(True)
    # WeasyPrint allocates hundreds of thousands of objects per chunk; the cyclic collector
    # scanning them again and again costs ~10 %. Its garbage is collected after the chunk.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return document.write_pdf(stylesheets=[_stylesheet(layout_key, upload_root)],
                                  font_config=_font_config())
    finally:
        _RENDERING_BADGES.reset(token)
        if collecting:
            gc.enable()


def render_pdf(event: EventData, badges: list[BadgeData], *, layout_key: str,
               double_sided: bool, upload_root: str, workers: int | None = None,
               progress: Callable[[int], None] | None = None) -> bytes:
    """Render all ``badges`` into one PDF, splitting large batches over worker processes."""
    if layout_key not in LAYOUTS:
        raise ValueError(f"unknown badge layout {layout_key!r}")
    if (workers is None and _warm_pool is not None and len(badges) >= POOL_THRESHOLD
            and _warm_pool[2] == upload_root):
        pool, size, _root = _warm_pool
        done = 0

        def counted(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress(count)

        try:
            return _render_in_pool(pool, size, event, badges, layout_key, double_sided,
                                   upload_root, counted)
        except BrokenProcessPool:
            # A renderer died (killed for memory, say): drop the pool and render this batch
            # the ordinary way; progress already reported is taken back.
            log.warning("a warm badge renderer died; rendering without the pool")
            stop_warm_pool()
            if progress and done:
                progress(-done)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if len(badges) < PARALLEL_THRESHOLD or workers < 2:
        parts = []
        for start in range(0, max(len(badges), 1), CHUNK_SIZE):
            chunk = badges[start:start + CHUNK_SIZE]
            parts.append(render_chunk(event, chunk, layout_key, double_sided, upload_root))
            if progress:
                progress(len(chunk))
        return parts[0] if len(parts) == 1 else merge_pdfs(parts)
    # Warm this process first: forked workers inherit WeasyPrint, fonts and the parsed
    # stylesheet instead of each loading them (and a long-lived server keeps them).
    _stylesheet(layout_key, upload_root)
    advances("bold"), advances("regular")
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return _render_in_pool(pool, workers, event, badges, layout_key, double_sided,
                               upload_root, progress)


def _render_in_pool(pool: ProcessPoolExecutor, workers: int, event: EventData,
                    badges: list[BadgeData], layout_key: str, double_sided: bool,
                    upload_root: str, progress: Callable[[int], None] | None) -> bytes:
    size = _chunk_size(len(badges), workers, LAYOUTS[layout_key].per_page)
    chunks = [badges[i:i + size] for i in range(0, len(badges), size)]
    futures = [pool.submit(render_chunk, event, chunk, layout_key, double_sided, upload_root)
               for chunk in chunks]
    parts = []
    for future, chunk in zip(futures, chunks, strict=True):
        parts.append(future.result())
        if progress:
            progress(len(chunk))
    return parts[0] if len(parts) == 1 else merge_pdfs(parts)


def _ping() -> int:
    return os.getpid()


def start_warm_pool(upload_root: str, workers: int | None = None) -> int:
    """Warm this process, then fork ``workers`` renderer processes that inherit the warm
    renderer and stay up (a job worker calls this once when it starts). From then on every
    batch of ``POOL_THRESHOLD`` badges or more is split over them with no start-up cost:
    a morning's 20 walk-ins as well as a 1,000-badge run. Returns the pool's size (0: no
    pool, one CPU)."""
    global _warm_pool
    workers = workers if workers is not None else (os.cpu_count() or 1)
    warm_up(upload_root)
    if workers < 2:
        return 0
    stop_warm_pool()
    pool = ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context("fork"))
    for future in [pool.submit(_ping) for _ in range(workers)]:
        future.result()  # the processes exist now, not at the first batch
    _warm_pool = (pool, workers, upload_root)
    atexit.register(stop_warm_pool)
    return workers


def stop_warm_pool() -> None:
    global _warm_pool
    if _warm_pool is not None:
        pool, _warm_pool = _warm_pool[0], None
        pool.shutdown(wait=True, cancel_futures=True)


def warm_up(upload_root: str, layout_keys: Iterable[str] = tuple(LAYOUTS)) -> None:
    """Load WeasyPrint, the fonts, the QR writer and the stylesheets of ``layout_keys`` in
    this process by rendering one throw-away badge (about half a second, once): a
    long-lived worker then renders a small batch at full speed from the first badge."""
    sample = BadgeData(first_name="Warm", last_name="Up", organization="", role="attendee",
                       role_label="Attendee", ticket_code="WARMUP")
    for layout_key in layout_keys:
        render_chunk(EventData(name="Warm-up", dates=""), [sample], layout_key, False,
                     upload_root)
    advances("bold"), advances("regular")


def _chunk_size(count: int, workers: int, per_page: int) -> int:
    """Equal chunks of at most about CHUNK_SIZE badges, as many per worker (so both finish
    together), whole pages only."""
    chunks = workers * -(-count // (workers * CHUNK_SIZE))
    size = -(-count // chunks)
    return max(per_page, size + (-size % per_page))


def merge_pdfs(parts: list[bytes]) -> bytes:
    """Concatenate PDFs page by page (PDFium: 20 times faster than pypdf for 1000 pages)."""
    import pypdfium2 as pdfium

    merged = pdfium.PdfDocument.new()
    try:
        for part in parts:
            source = pdfium.PdfDocument(part)
            try:
                merged.import_pages(source)
            finally:
                source.close()
        out = io.BytesIO()
        merged.save(out)
        return out.getvalue()
    finally:
        merged.close()


def harfbuzz_subset_available() -> bool:
    """WeasyPrint subsets fonts 7 times faster with Debian's libharfbuzz-subset0.

    Loads the library as WeasyPrint does: a file that is listed but cannot be loaded
    counts as missing (WeasyPrint then warns and falls back to the slow path).
    """
    name = ctypes.util.find_library("harfbuzz-subset")
    if name is None:
        return False
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True
