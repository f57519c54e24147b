"""Responsive images: AVIF + WebP + JPEG derivatives at several widths, cached by content.

Every ``<img>`` in article and page HTML becomes the theme partial ``partials/picture.html``
(``<picture>`` with one ``<source>`` per modern format, ``srcset``/``sizes``, explicit
``width``/``height``, lazy loading except for the page's first image). Templates get the same
pipeline through the Jinja global ``responsive_image(path, alt, sizes=None, eager=False, ...)``,
which returns an :class:`ImageSet` (data only; the markup stays in the partial), so hero
images, the gallery, testimonial photos and the comparison share it.

**No original is ever published.** Photos under ``STATIC_PATHS`` (JPEG, PNG, WebP, AVIF,
TIFF, HEIC) are taken out of Pelican's static files (``static_generator_finalized``), so
the camera file never reaches the output; a link to one (``[full size]({static}/x.jpg)``,
the gallery's "full image") goes to its *full* derivative, a JPEG no longer than
``KP_IMAGES["max_edge"]`` (2048 px) on either side, like every other derivative.

**Plan first, encode together.** ``image_set`` reads only the file's header (size,
orientation, rights) and answers at once with the derivatives' names and sizes; the
encoding of everything a build asked for runs in one batch on every core (``encode``),
when the content has been read (``all_generators_finalized``), and once more at the end
for what templates asked for while pages were written (``finalized``). A file that turns
out truncated is reported with the file and line of every post, page or data file that
uses it.

**Cached by content.** A derivative set's folder in ``cache/kp_images/`` is named by the
hash of the source's bytes and of everything that shapes the output (widths, formats,
qualities, metadata kept); a persistent index maps each source's stamp (time, size,
inode) to its hash and header, so a warm build reads no photo at all.

Why not pelican-image-process (3.4 / 4.x, read before writing this): it only touches images
an author marks with a class; it builds markup in Python with BeautifulSoup (ours lives in
templates); it writes no ``width``/``height``; its "do not reprocess" check compares file
times against the output folder, which our build driver replaces on every build; and it
copies metadata with exiftool instead of choosing what to keep (see ``rights``).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import math
import os
import posixpath
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from bs4 import BeautifulSoup
from kp_common.contents import all_content
from kp_common.errors import report
from kp_common.files import link_or_copy, replace_file, stamp
from kp_common.forked import ahead_in_workers, replay_target, replayed
from kp_common.memo import memo, realpath
from kp_common.pelican_compat import html_source, set_html_source
from pelican import signals

from . import kept
from . import rights as rights_module
from .decode import SUFFIXES, ImageProblem, has_alpha, opened, upright_size
from .encode import MANIFEST, Job, crop_name, file_name, run_all
from .options import image_options, studio_rights
from .progress import Progress

logger = logging.getLogger(__name__)
last_parsed = 0  # posts whose HTML the last run's <picture> rewrite parsed (tests read it)
last_rewritten_ahead = 0  # of those, how many forked workers rewrote (``rewrite_ahead``)

# Bump when decoding, encoding or metadata code changes so cached derivatives are rebuilt.
PIPELINE_VERSION = "2"
MIN_REWRITES_AHEAD = 32  # fewer posts to rewrite (an edit): a pool costs more than it saves
MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}
EXTENSION = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}
IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
A_TAG = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
PROCESSABLE = SUFFIXES
# {filename} is for links to other content; an image written with it is an author mistake
# that kp_validate reports, so such images are left alone.
LINK_PREFIX = re.compile(r"^(?:\{(?:static|attach)\}|\|(?:static|attach)\|)")
INDEX_FILE = "sources.json"
# The link preview's size (og:image): 1.91:1, the card every network shows uncropped.
SOCIAL_SIZE = (1200, 630)
# How long this process spent on image work, for the benchmark (benchmarks/images.py).
STATS = {
    "seconds": 0.0,
    "cpu_seconds": 0.0,
    "encoded_photos": 0,
    "encoded_files": 0,
    "worker_peak_kb": 0,
}


class _Timed(contextlib.ContextDecorator):
    """Adds the time spent inside to ``STATS["seconds"]``, once however deeply nested (a
    ``with`` block, or a decorator: one instance then serves every call, which is safe as
    only the outermost entry records its start)."""

    depth = 0

    def __enter__(self):
        if _Timed.depth == 0:
            self.started, self.cpu = time.perf_counter(), time.process_time()
        _Timed.depth += 1

    def __exit__(self, *_exc):
        _Timed.depth -= 1
        if _Timed.depth == 0:
            STATS["seconds"] += time.perf_counter() - self.started
            STATS["cpu_seconds"] += time.process_time() - self.cpu


class ImageError(ValueError):
    """A photo that cannot be published: ``problem`` and ``fix`` in an author's words."""

    def __init__(self, problem: str, fix: str):
        super().__init__(f"{problem} How to fix: {fix}")
        self.problem = problem
        self.fix = fix


@dataclass(frozen=True)
class Source:
    type: str
    srcset: str


@dataclass(frozen=True)
class ImageSet:
    """Everything ``partials/picture.html`` needs; no markup."""

    src: str
    srcset: str
    sizes: str
    width: int
    height: int
    alt: str
    eager: bool = False
    sources: tuple[Source, ...] = ()
    widths: tuple[int, ...] = ()
    title: str = ""
    css_class: str = ""
    decorative: bool = False  # alt="" on purpose (e.g. a poster under a labelled button)
    # The largest JPEG (long edge <= max_edge): the "full image" of a gallery or a link.
    full: str = ""
    full_width: int = 0
    full_height: int = 0
    files: tuple[str, ...] = field(default=(), compare=False, repr=False)
    rights: rights_module.Rights = field(default=rights_module.Rights(), compare=False, repr=False)

    @property
    def largest_jpeg(self) -> tuple[str, int, int]:
        """URL, width and height of the widest JPEG in ``srcset`` (link previews)."""
        url = self.srcset.split(", ")[-1].rsplit(" ", 1)[0]
        width = self.widths[-1]
        return url, width, round(self.height * width / self.width)


@dataclass(frozen=True)
class SourceInfo:
    digest: str
    width: int  # upright
    height: int
    alpha: bool
    rights: rights_module.Rights


@dataclass(frozen=True)
class _SocialPlan:
    """A link preview planned for one run (``ResponsiveImages.social_image``)."""

    source: Path
    stamp: tuple | None
    key: str
    folder: Path
    name: str
    relative: str
    url: str
    width: int
    height: int
    final: object  # the rights written into it
    crop: tuple[int, int, int]


@dataclass
class _Planned:
    width: int
    height: int
    variants: dict[str, list[tuple[int, str]]]
    full: tuple[int, int, str]
    rights: rights_module.Rights
    key: str


class ResponsiveImages:
    """Plans, encodes, caches and publishes derivatives for one Pelican object."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.options = options = image_options(settings)
        self.studio = studio_rights(settings)
        self.widths = options.widths
        self.sizes = options.sizes
        self.formats = options.formats
        self.quality = dict(options.quality)
        self.fallback_width = options.fallback_width
        self.max_edge = options.max_edge
        self.content_path = Path(settings["PATH"])
        self.output_path = Path(settings["OUTPUT_PATH"])
        self.cache_dir = Path(
            options.cache_dir or Path(settings.get("CACHE_PATH", "cache")) / "kp_images"
        )
        self.output_dir = options.output_dir
        self.siteurl = settings.get("SITEURL", "").rstrip("/")
        self.params = json.dumps(
            [
                PIPELINE_VERSION,
                self.formats,
                self.quality,
                options.avif_speed,
                self.max_edge,
                sorted(options.keep),
            ],
            sort_keys=True,
        )
        self.published: dict[str, Path] = {}  # output-relative path -> cached file
        self.encoded = 0  # files actually encoded (the rest came from the cache)
        self.failed: dict[Path, tuple[tuple | None, ImageError]] = {}
        # key -> job still to encode, and the sources' users (file, line) for messages.
        self._pending: dict[str, Job] = {}
        self._uses: dict[Path, list[tuple[str, int | None]]] = {}
        # (source, widths) -> (its stamp, its plan), for as long as this Pelican runs.
        self._sets: dict[tuple, tuple[tuple, _Planned]] = {}
        # content source path -> (inputs key, images' stamps, rewritten HTML, images), kept
        # between builds with the content cache (kp_images.kept).
        self._kept_scope = kept.scope(
            self.params,
            self.widths,
            self.sizes,
            self.fallback_width,
            self.output_dir,
            self.siteurl,
            str(self.content_path),
        )
        self._rewritten: dict[str, tuple] = kept.load(kept.kept_path(settings), self._kept_scope)
        self._rewrites_changed = False
        self.parsed = 0  # posts whose HTML this run parsed (the others were known)
        # content source path -> the ImageSets it shows (for ImageObject JSON-LD).
        self.shown: dict[str, list[tuple[ImageSet, str]]] = {}
        self._social: dict[str, _SocialPlan] = {}  # path as asked for -> its plan, this run
        self._asked: dict[tuple, tuple] = {}  # image_set's (source, set, self), this run
        self._reported: set[tuple] = set()
        self._withheld: dict[Path, tuple] = {}
        self._index = _SourceIndex(self.cache_dir / INDEX_FILE)
        replay_target(self)

    # -- planning ---------------------------------------------------------------------------

    @replayed  # templates call it: a worker rendering pages plans for this process too
    @_Timed()
    def image_set(
        self,
        path: str | os.PathLike,
        alt: str,
        sizes: str | None = None,
        eager: bool = False,
        title: str = "",
        css_class: str = "",
        decorative: bool = False,
        widths: tuple[int, ...] | None = None,
        used_by: tuple[str, int | None] | None = None,
        caption: str = "",
        shown_on: str | None = None,
    ) -> ImageSet:
        """Derivatives for ``path`` (relative to the content folder, or absolute).

        Reads only the header: the files are made by :meth:`flush`. ``used_by`` (file,
        line) is where the photo is used, for messages about it; ``shown_on`` the post or
        page that shows it (default: that file), for its ImageObject; ``ImageError`` if the
        file is not a photo we can publish (the caller reports it with its line).
        """
        # The same photo with the same arguments, asked again in this run (a post's card
        # on its listing, tag, category and author pages: 9,000 calls for 2,000 sets at
        # 1,000 posts), is the set made the first time: nothing it was made from changes
        # during a run, and its plan's effects (derivatives to make) were had then.
        # Under livereload the sets outlive the run (a changed photo is a change the
        # session rebuilds everything for, forgetting every memo), while this pipeline,
        # which holds what their plans publish, lives.
        sets = memo("kp_images.asked")
        sets = self._asked if sets is None else sets
        asked = (os.fspath(path), widths, alt, sizes, eager, title, css_class, decorative)
        known = sets.get(asked)
        if known is not None and known[2] is not self:
            known = None
        source = known[0] if known is not None else self._source_of(asked[0])
        if used_by is not None:
            uses = self._uses.setdefault(source, [])
            if used_by not in uses:
                uses.append(used_by)
        if known is None:
            known = sets[asked] = (source, self._set_for(source, asked), self)
        images = known[1]
        shown_on = shown_on or (used_by[0] if used_by else None)
        if shown_on and not decorative:
            shown = self.shown.setdefault(shown_on, [])
            if all(known.full != images.full for known, _ in shown):
                shown.append((images, caption))
        return images

    def _source_of(self, path: str) -> Path:
        """The photo at ``path`` (relative to the content folder, or absolute), resolved."""
        source = Path(path)
        if not source.is_absolute():
            source = self.content_path / path.lstrip("/")
        return Path(realpath(source))

    def _set_for(self, source: Path, asked: tuple) -> ImageSet:
        """The set ``image_set`` was ``asked`` for (``ImageError`` if none can be made)."""
        _, widths, alt, sizes, eager, title, css_class, decorative = asked
        planned = self._plan(source, tuple(sorted(widths)) if widths else self.widths)
        return self._new_set(planned, alt, sizes, eager, title, css_class, decorative)

    def _new_set(self, planned, alt, sizes, eager, title, css_class, decorative) -> ImageSet:
        urls = {
            fmt: ", ".join(f"{self._url(rel)} {w}w" for w, rel in planned.variants[fmt])
            for fmt in self.formats
        }
        jpeg = planned.variants["jpeg"]
        fallback = next((rel for w, rel in reversed(jpeg) if w <= self.fallback_width), jpeg[0][1])
        images = ImageSet(
            src=self._url(fallback),
            srcset=urls["jpeg"],
            sizes=sizes or self.sizes,
            width=planned.width,
            height=planned.height,
            alt=alt,
            eager=eager,
            sources=tuple(Source(MIME[f], urls[f]) for f in self.formats if f != "jpeg"),
            widths=tuple(w for w, _ in jpeg),
            title=title,
            css_class=css_class,
            decorative=decorative,
            full=self._url(planned.full[2]),
            full_width=planned.full[0],
            full_height=planned.full[1],
            files=(
                *(rel for f in self.formats for _, rel in planned.variants[f]),
                planned.full[2],
            ),
            rights=planned.rights,
        )
        return images

    @replayed
    def social_image(self, path: str | os.PathLike) -> tuple[str, int, int]:
        """URL, width and height of the link preview (``og:image``) of the photo at
        ``path``: a JPEG cropped to ``SOCIAL_SIZE`` (1200 x 630, what Facebook, LinkedIn and
        X show uncropped), smaller only if ``max_edge`` is; rights written like every other
        derivative. Planned here, encoded with the rest (``ImageError`` if not a photo).

        Every page that shows a post asks for its preview again (a thousand posts sharing
        a few photos: thousands of calls), so the plan is remembered for the run, checked
        against the photo's stamp; only the cheap part (listing the file for publishing,
        queueing its encoding if it is not made) is done on each call."""
        with _Timed():
            planned = self._social.get(str(path))
            if planned is None or stamp(planned.source) != planned.stamp:
                planned = self._social[str(path)] = self._plan_social(path)
            self.published[planned.relative] = planned.folder / planned.name
            if not (planned.folder / MANIFEST).is_file() and planned.key not in self._pending:
                self._pending[planned.key] = self._job(
                    planned.source, planned.folder, planned.final, sizes=(), crop=planned.crop
                )
            return planned.url, planned.width, planned.height

    def _plan_social(self, path: str | os.PathLike) -> _SocialPlan:
        source = self._source_of(os.fspath(path))
        source_stamp = stamp(source)
        info = self._source_info(source, source_stamp)
        final = info.rights.kept(self.options.keep).with_copyright(self._notice(info.rights))
        scale = min(1.0, self.max_edge / max(SOCIAL_SIZE))
        width, height = (round(side * scale) for side in SOCIAL_SIZE)
        key = hashlib.sha256(
            "\0".join(
                [
                    info.digest,
                    self.params,
                    f"crop {width}x{height}",
                    json.dumps(final.as_dict()),
                ]
            ).encode()
        ).hexdigest()[:16]
        stem = re.sub(r"[^a-z0-9-]+", "-", source.stem.lower()).strip("-") or "image"
        name = crop_name(width, height)
        relative = posixpath.join(self.output_dir, f"{stem}-{key[:10]}-{name}")
        # Decoded just large enough to cover the crop (at most max_edge long).
        cover = max(width / info.width, height / info.height)
        long_edge = min(self.max_edge, math.ceil(max(info.width, info.height) * cover))
        return _SocialPlan(
            source,
            source_stamp,
            key,
            self.cache_dir / key,
            name,
            relative,
            self._url(relative),
            width,
            height,
            final,
            (width, height, long_edge),
        )

    def target_widths(self, width: int, height: int | None = None, widths=None) -> list[int]:
        """The srcset widths for an upright ``width`` x ``height`` photo: the configured
        ones below it, and never a file longer than ``max_edge`` on either side."""
        widths = tuple(widths or self.widths)
        cap = self._cap(width, height or width)
        chosen = [w for w in widths if w < cap]
        if cap <= widths[-1] or not chosen:
            chosen.append(min(cap, widths[-1]))
        return sorted(set(chosen))

    def _cap(self, width: int, height: int) -> int:
        """The widest a derivative may be: the photo's width, within ``max_edge``."""
        return self._full_size(width, height)[0]

    def _full_size(self, width: int, height: int) -> tuple[int, int]:
        """The photo's size, scaled down so that its long edge is at most ``max_edge``."""
        scale = min(1.0, self.max_edge / max(width, height))
        return max(1, round(width * scale)), max(1, round(height * scale))

    def _url(self, rel: str) -> str:
        return f"{self.siteurl}/{rel}"

    def _plan(self, source: Path, widths: tuple[int, ...]) -> _Planned:
        source_stamp = _stamp(source)
        known = self._sets.get((source, widths))
        if known is not None and known[0] == source_stamp:
            return known[1]
        info = self._source_info(source, source_stamp)
        final = info.rights.kept(self.options.keep).with_copyright(self._notice(info.rights))
        key = hashlib.sha256(
            "\0".join(
                [info.digest, self.params, repr(widths), json.dumps(final.as_dict())]
            ).encode()
        ).hexdigest()[:16]
        stem = re.sub(r"[^a-z0-9-]+", "-", source.stem.lower()).strip("-") or "image"
        folder = self.cache_dir / key
        chosen = self.target_widths(info.width, info.height, widths)
        cap = self._cap(info.width, info.height)

        full_size = self._full_size(info.width, info.height)

        def height_at(w: int) -> int:
            if w == full_size[0]:
                return full_size[1]  # exactly max_edge when the photo is taller than wide
            return max(1, round(info.height * w / info.width))

        def rel(w: int, fmt: str) -> str:
            name = file_name(w, fmt)
            relative = posixpath.join(self.output_dir, f"{stem}-{key[:10]}-{name}")
            self.published[relative] = folder / name
            return relative

        variants = {fmt: [(w, rel(w, fmt)) for w in chosen] for fmt in self.formats}
        full = (cap, height_at(cap), rel(cap, "jpeg"))
        sizes = {w: set(self.formats) for w in chosen}
        sizes.setdefault(cap, set()).add("jpeg")
        if not (folder / MANIFEST).is_file() and key not in self._pending:
            self._pending[key] = self._job(
                source,
                folder,
                final,
                sizes=tuple(
                    (w, height_at(w), tuple(f for f in self.formats if f in formats))
                    for w, formats in sorted(sizes.items())
                ),
            )
        planned = _Planned(info.width, info.height, variants, full, final, key)
        self._sets[(source, widths)] = (source_stamp, planned)
        return planned

    def _notice(self, source_rights: rights_module.Rights) -> str:
        if self.options.copyright:
            return self.options.copyright
        year = f"{source_rights.year} " if source_rights.year else ""
        return f"© {year}{self.studio.name}" if self.studio.name else ""

    def _job(self, source: Path, folder: Path, final, **what) -> Job:
        """The encoding job for ``source``: ``what`` says what to make (``sizes``, or a
        ``crop``); the qualities, limits and the rights ``final`` to write are the run's."""
        return Job(
            source=str(source),
            folder=str(folder),
            quality=tuple(sorted(self.quality.items())),
            avif_speed=self.options.avif_speed,
            max_pixels=self.options.max_pixels,
            keep_icc="icc" in self.options.keep,
            exif=rights_module.exif_bytes(final),
            xmp=rights_module.xmp_packet(final),
            iptc=rights_module.iptc_segment(final),
            name=self._display(source),
            **what,
        )

    def _display(self, source: Path) -> str:
        try:
            return source.relative_to(self.content_path.resolve()).as_posix()
        except ValueError:
            return source.name

    def _source_info(self, source: Path, source_stamp) -> SourceInfo:
        failed = self.failed.get(source)
        if failed is not None and failed[0] == source_stamp:
            raise failed[1]
        info = self._index.get(source, source_stamp)
        if info is not None:
            return info
        name = self._display(source)
        try:
            data = source.read_bytes()
            with opened(source, self.options.max_pixels, name) as image:
                width, height = upright_size(image)
                info = SourceInfo(
                    digest=hashlib.sha256(data).hexdigest(),
                    width=width,
                    height=height,
                    alpha=has_alpha(image),
                    rights=rights_module.read(image),
                )
        except ImageProblem as problem:
            error = ImageError(problem.problem, problem.fix)
            self.failed[source] = (source_stamp, error)
            raise error from None
        except OSError as problem:
            raise ImageError(
                f"{name} cannot be read ({problem.strerror or problem}).",
                "Check that the file exists and that you may read it.",
            ) from None
        self._index.put(source, source_stamp, info)
        return info

    # -- encoding ---------------------------------------------------------------------------

    def flush(self) -> int:
        """Encode every planned set not in the cache (on every core), then link all the
        files used so far into the output. Returns the number of photos encoded."""
        with _Timed():
            return self._flush()

    def _flush(self) -> int:
        jobs = list(self._pending.values())
        self._pending.clear()
        failed = 0
        if jobs:
            progress = Progress(len(jobs))
            pooled = len(jobs) > 1 and self.options.workers > 1  # else: in this process

            def done(result) -> None:
                nonlocal failed
                if result.problem is not None:
                    failed += 1
                    self._encode_failed(result)
                self.encoded += result.files
                STATS["encoded_files"] += result.files
                if pooled:  # the workers' CPU and memory, for the benchmark
                    STATS["cpu_seconds"] += result.cpu_seconds
                    STATS["worker_peak_kb"] = max(STATS["worker_peak_kb"], result.peak_kb)
                progress.advance(result.files)

            run_all(jobs, self.options.workers, done)
            logger.info(progress.finish(failed))
            STATS["encoded_photos"] += len(jobs) - failed
        self._index.save()
        self._copy(list(self.published))
        return len(jobs)

    def _encode_failed(self, result) -> None:
        source = Path(result.job.source)
        problem = result.problem
        missing = [
            rel for rel, cached in self.published.items() if str(cached.parent) == result.job.folder
        ]
        for rel in missing:
            del self.published[rel]
        # The pages already point at these files. The error below fails the build, so
        # nothing is published; the link check need not add "leads nowhere" for each.
        extra = list(self.settings.get("KP_VALIDATE_EXTRA_OUTPUTS") or [])
        self.settings["KP_VALIDATE_EXTRA_OUTPUTS"] = extra + missing
        for where, line in self._uses.get(source) or [(str(source), None)]:
            self._report(where, line, problem.problem, problem.fix)
        self._put_back(source)

    def _report(self, where: str, line: int | None, problem: str, fix: str) -> None:
        if (where, line, problem) not in self._reported:
            self._reported.add((where, line, problem))
            report(where, line, problem, fix)

    # -- publishing -------------------------------------------------------------------------

    def publish(self, output_path: Path | None = None) -> int:
        """Link every derivative used in this run from the cache into the output folder."""
        return self._copy(list(self.published), output_path)

    def _copy(self, relative_paths: list[str], output_path: Path | None = None) -> int:
        output = Path(output_path or self.output_path)
        copied = 0
        made: set[Path] = set()
        for rel in relative_paths:
            cached, target = self.published[rel], output / rel
            try:
                size = cached.stat().st_size
            except FileNotFoundError:
                continue  # not made (yet): planned by a template, encoded at the end
            try:
                if target.stat().st_size == size:
                    continue
            except FileNotFoundError:
                pass
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            link_or_copy(cached, target)
            copied += 1
        return copied

    def withhold_originals(self, generator) -> int:
        """Take the photos out of Pelican's static files: only derivatives are published."""
        kept = []
        for static in generator.staticfiles:
            if Path(static.source_path).suffix.lower() in PROCESSABLE:
                self._withheld[Path(static.source_path).resolve()] = (generator, static)
            else:
                kept.append(static)
        withheld = len(generator.staticfiles) - len(kept)
        generator.staticfiles[:] = kept  # the same list is the context's "staticfiles"
        return withheld

    def _put_back(self, source: Path) -> None:
        """A photo that failed is reported, so this build publishes nothing: its original
        goes back among the static files only so that no link check adds a second,
        misleading message ("leads nowhere") about the tag that shows it."""
        found = self._withheld.pop(source, None)
        if found is not None:
            found[0].staticfiles.append(found[1])

    # -- content HTML -----------------------------------------------------------------------

    def resolve(self, src: str, content) -> Path | None:
        """The source file behind an ``<img src>`` in rendered content, or None if external."""
        if src.strip().startswith(("{filename}", "|filename|")):
            return None
        value = LINK_PREFIX.sub("", src.strip())
        if self.siteurl and value.startswith(self.siteurl + "/"):
            value = value[len(self.siteurl) :]
        parsed = urlparse(value)
        if parsed.scheme or parsed.netloc or not parsed.path:
            return None
        path = unquote(parsed.path)
        if path.startswith("/"):
            return self.content_path / path.lstrip("/")
        here = Path(content.source_path).parent
        candidate = Path(realpath(here / path))
        if candidate.is_file():
            return candidate
        return self.content_path / path

    def rewrite(self, content, env) -> None:
        """Replace each ``<img>`` of ``content`` with the rendered picture partial, and point
        each link to a photo at its full derivative.

        Only those tags are replaced, in place: the rest of the HTML stays byte for
        byte as the other plugins left it (re-serialising it would, e.g., turn typography's
        ``&#8217;`` into a literal character).
        """
        html = html_source(content)
        if not html or ("<img" not in html and "<a" not in html):
            return
        template = env.get_template("partials/picture.html")
        key = (
            hashlib.blake2b(html.encode(), digest_size=16).digest(),
            bool(content.metadata.get("image")),
            _stamp(Path(template.filename)) if template.filename else None,
        )
        known = self._rewritten.get(content.source_path)
        if known and known[0] == key and all(_stamp(p) == s for p, s in known[1]):
            set_html_source(content, known[2])
            for args in known[3]:  # the same images, planned again (cheap: all in memory)
                self._safe_set(content, *args)
            return
        self.parsed += 1
        used: list[Path] = []
        calls: list[tuple] = []
        # The hero image (rendered by the template, eager) is the LCP image when there is one.
        first = not content.metadata.get("image")
        pieces, last = [], 0
        tags = sorted(
            [(m, "img") for m in IMG_TAG.finditer(html)] + [(m, "a") for m in A_TAG.finditer(html)],
            key=lambda item: item[0].start(),
        )
        for match, kind in tags:
            tag = BeautifulSoup(match.group(0), "html.parser").find(kind)
            if tag is None:
                continue
            attribute = "src" if kind == "img" else "href"
            source = self.resolve(tag.get(attribute, ""), content)
            if source is None or source.suffix.lower() not in PROCESSABLE:
                if kind == "img":
                    first = False
                continue
            used.append(source)  # even if missing: it may be there next time
            if not source.is_file():
                # A missing image is reported once, with file and line, by kp_validate's link
                # check; the tag stays as written so that check sees what the author wrote.
                continue
            before = html[: match.start()]
            inside_picture = before.count("<picture") > before.count("</picture>")
            # Images a template already made decisions for (a <picture>, a srcset, a loading
            # policy) keep their markup; only a photo's address becomes its full derivative.
            keep_markup = kind == "a" or inside_picture or {"srcset", "loading"} & set(tag.attrs)
            args = (
                source,
                tag.get("alt", ""),
                first and not keep_markup,
                tag.get("title", ""),
                " ".join(tag.get("class", [])),
                tag.get(attribute, ""),
                kind == "img",
            )
            images = self._safe_set(content, *args)
            calls.append(args)
            if kind == "img":
                first = False
            if images is None:
                continue
            if keep_markup:
                replacement = _with_attribute(match.group(0), attribute, images.full)
            else:
                replacement = template.render(image=images).strip()
            pieces += [html[last : match.start()], replacement]
            last = match.end()
        if pieces:
            set_html_source(content, "".join([*pieces, html[last:]]))
        stamps = tuple((path, _stamp(path)) for path in used)
        self._rewritten[content.source_path] = (key, stamps, html_source(content), tuple(calls))
        self._rewrites_changed = True

    def rewrite_ahead(self, work: list[tuple]) -> int:
        """Rewrite on forked workers the posts of ``work`` (``(content, env)`` pairs) the
        memo does not hold (a cold build: every post), so that ``rewrite`` finds each in
        the memo and only plans its photos again, in its order.

        Parsing each tag and rendering the picture partial is most of a cold build's
        rewrite (about 0.8 s of one core at 1,000 posts, while the other had nothing to
        do). A post whose rewrite reports a problem, or raises, is left to ``rewrite``,
        which reports it with its line as before. Returns how many workers rewrote."""
        # Posts the memo has never seen: an edited post it knows is left to ``rewrite``
        # (one or a few), and asking only this keeps a rebuild from hashing every post twice.
        todo = [
            (content, env)
            for content, env in work
            if content.source_path not in self._rewritten
            and (html := html_source(content))
            and ("<img" in html or "<a" in html)
        ]
        made = ahead_in_workers(self._rewrite_in_worker, todo, min_items=MIN_REWRITES_AHEAD)
        if made is None:  # not worth a pool: ``rewrite`` parses them
            return 0
        ahead = 0
        for (content, _), entry in zip(todo, made, strict=True):
            if entry is not None:
                self._rewritten[content.source_path] = entry
                self._rewrites_changed = True
                ahead += 1
        self.parsed += ahead
        return ahead

    def _rewrite_in_worker(self, item: tuple) -> tuple | None:
        """In a worker: ``item``'s rewrite, as the memo keeps it."""
        content, env = item
        self.rewrite(content, env)
        return self._rewritten.get(content.source_path)

    def keep_rewrites(self, settings: dict, sources: set[str]) -> None:
        """Keep this run's rewrites of ``sources`` for the next build (kp_images.kept)."""
        path = kept.kept_path(settings)
        if path is None or not self._rewrites_changed:
            return
        known = self._rewritten
        entries = {source: known[source] for source in sources if source in known}
        kept.save(path, self._kept_scope, entries)
        self._rewrites_changed = False

    def _safe_set(
        self, content, source, alt, eager, title, css_class, written, shown
    ) -> ImageSet | None:
        line = _line_of(content.source_path, written, source.name)
        try:
            return self.image_set(
                source,
                alt,
                eager=eager,
                title=title,
                css_class=css_class,
                used_by=(content.source_path, line),
                shown_on=None if shown else "",
            )
        except ImageError as error:
            self._report(content.source_path, line, error.problem, error.fix)
            self._put_back(source.resolve())
            return None

    def plan_lead_image(self, content) -> None:
        """The hero image of ``content`` (its ``Image:``), planned with its line, so a bad
        file is reported there and encoded with the rest; the template finds it planned."""
        path = content.metadata.get("image")
        if not path or str(path).startswith("{"):
            return
        source = Path(realpath(self.content_path / str(path).strip().lstrip("/")))
        if not source.is_file() or source.suffix.lower() not in PROCESSABLE:
            return  # kp_validate reports a missing or refused lead image
        line = _line_of(content.source_path, "image:", str(path), front_matter=True)
        try:
            self.image_set(
                source,
                content.metadata.get("image_alt", ""),
                eager=True,
                css_class="lead-image",
                used_by=(content.source_path, line),
            )
        except ImageError as error:
            self._report(content.source_path, line, f"The lead image: {error.problem}", error.fix)

    def forget_run(self) -> None:
        """What a run (not the Pelican object) knew: which pages show which photos, the
        sets asked for, the link previews planned."""
        self.shown = {}
        self._social = {}
        self._asked = {}
        self._reported = set()
        self.parsed = 0


def _with_attribute(tag: str, attribute: str, value: str) -> str:
    """``tag`` with ``attribute``'s value replaced (the value is a URL we made: no quotes)."""
    pattern = re.compile(rf"(\s{attribute}\s*=\s*)(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE)
    return pattern.sub(lambda m: f'{m.group(1)}"{value}"', tag, count=1)


def _stamp(path: Path):
    """``stamp(path)``; under livereload remembered (a changed image or template is a
    change the session rebuilds everything for, forgetting every memo)."""
    stamps = memo("kp_images.stamps")
    if stamps is None:
        return stamp(path)
    key = str(path)
    if key not in stamps:
        stamps[key] = stamp(path)
    return stamps[key]


def _line_of(path: str, *needles: str, front_matter: bool = False) -> int | None:
    """The first line of ``path`` holding one of ``needles`` (read only for a message or a
    plan, and small: a post's Markdown). Under livereload the answer is remembered until
    the file changes (``kp_common.memo``)."""
    lines_of = memo("kp_images.lines")
    key = (path, needles, front_matter)
    if lines_of is not None and key in lines_of:
        return lines_of[key]
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    found = _first_line(lines, needles, front_matter)
    if lines_of is not None:
        lines_of[key] = found
    return found


def _first_line(lines: list[str], needles: tuple[str, ...], front_matter: bool) -> int | None:
    for needle in needles:
        if not needle:
            continue
        for number, text in enumerate(lines, 1):
            if front_matter and not text.strip():
                break
            if (needle.lower() in text.lower()) if front_matter else (needle in text):
                return number
    return None


class _SourceIndex:
    """source path -> (stamp, SourceInfo), kept in the cache folder between builds."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, dict] = {}
        self.dirty = False
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == PIPELINE_VERSION:
                self.entries = data["sources"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass

    def get(self, source: Path, source_stamp) -> SourceInfo | None:
        entry = self.entries.get(str(source))
        if entry is None or source_stamp is None or tuple(entry["stamp"]) != tuple(source_stamp):
            return None
        return SourceInfo(
            digest=entry["digest"],
            width=entry["width"],
            height=entry["height"],
            alpha=entry["alpha"],
            rights=rights_module.Rights.from_dict(entry["rights"]),
        )

    def put(self, source: Path, source_stamp, info: SourceInfo) -> None:
        self.entries[str(source)] = {
            "stamp": list(source_stamp),
            "digest": info.digest,
            "width": info.width,
            "height": info.height,
            "alpha": info.alpha,
            "rights": info.rights.as_dict(),
        }
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": PIPELINE_VERSION, "sources": self.entries}
        replace_file(self.path, json.dumps(data).encode())
        self.dirty = False


# -- signal handlers ---------------------------------------------------------------------------

# One pipeline per output folder and Pelican object: a long-lived Pelican (livereload)
# keeps its own, and a plugin that runs before kp_images on ``initialized`` (kp_studio's
# testimonials) gets the one this Pelican will use. The settings of a run carry the
# pipeline's token: Pelican hands plugins copies of them (a post's ``settings``, the
# template context), and a copy with the token means "the run writing to this folder".
_pipelines: dict[str, ResponsiveImages] = {}
TOKEN = "_KP_IMAGES_PIPELINE"  # noqa: S105 (a settings key, not a secret)


def _output_key(settings: dict) -> str:
    return os.path.realpath(settings["OUTPUT_PATH"])


def registered(settings: dict) -> bool:
    """Whether kp_images runs in the build of ``settings`` (always, outside a Pelican run)."""
    if "OUTPUT_PATH" not in settings:
        return False  # not a build (a test reading data files)
    if "PLUGINS" not in settings:
        return True
    names = [p if isinstance(p, str) else getattr(p, "__name__", "") for p in settings["PLUGINS"]]
    return any(name.rsplit(".", 1)[-1] == "kp_images" for name in names)


def pipeline(settings: dict) -> ResponsiveImages:
    """The pipeline of the Pelican run whose settings are ``settings`` (RuntimeError if
    kp_images is not one of its plugins: callers then use the plain file)."""
    if not registered(settings):
        raise RuntimeError("kp_images is not registered in this Pelican run.")
    found = _pipelines.get(_output_key(settings))
    if found is not None and (found.settings is settings or settings.get(TOKEN)):
        return found
    found = _pipelines[_output_key(settings)] = ResponsiveImages(settings)
    settings[TOKEN] = f"{os.getpid()}-{id(found)}"
    return found


def _in_this_run(handler):
    """Pelican's signals are process-wide: a handler connected by one run (an earlier test,
    a long-lived process) fires in every later run too. Act only in runs that list us."""

    @functools.wraps(handler)
    def guarded(sender, *args, **kwargs):
        first = sender[0] if isinstance(sender, list) and sender else sender
        settings = getattr(first, "settings", None)
        if settings is not None and not registered(settings):
            return None
        return handler(sender, *args, **kwargs)

    return guarded


@_in_this_run
def start(pelican) -> None:
    pipeline(pelican.settings)


@_in_this_run
def new_run(pelican) -> None:
    pipeline(pelican.settings).forget_run()


@_in_this_run
def add_template_helper(generator) -> None:
    images = pipeline(generator.settings)

    def responsive_image(
        path, alt, sizes=None, eager=False, css_class="", widths=None, decorative=False
    ):
        """The ImageSet, or None when the file is missing or not an image: the block or
        check that named the file reports that with its line, and the template shows none."""
        try:
            return images.image_set(
                path,
                alt,
                sizes=sizes,
                eager=eager,
                css_class=css_class,
                widths=tuple(widths) if widths else None,
                decorative=decorative,
            )
        except (OSError, ValueError):
            return None

    generator.env.globals["responsive_image"] = responsive_image


@_in_this_run
def withhold_originals(generator) -> None:
    with _Timed():
        pipeline(generator.settings).withhold_originals(generator)


@_in_this_run
def rewrite_content_images(generators) -> None:
    if not generators:
        return
    with _Timed():
        _rewrite_all(generators)


def _rewrite_all(generators) -> None:
    global last_parsed, last_rewritten_ahead
    images = pipeline(generators[0].settings)
    work = [
        (content, generator.env)
        for generator in generators
        if getattr(generator, "env", None) is not None
        for content in all_content([generator])
    ]
    last_rewritten_ahead = images.rewrite_ahead(work)
    sources = set()
    for content, env in work:
        images.plan_lead_image(content)
        images.rewrite(content, env)
        sources.add(content.source_path)
    images.keep_rewrites(generators[0].settings, sources)
    last_parsed = images.parsed
    # Before kp_validate's link check (it runs after us): the files must be there.
    images.flush()


@_in_this_run
def publish_derivatives(pelican) -> None:
    images = pipeline(pelican.settings)
    with _Timed():
        images.flush()
        copied = images.publish(Path(pelican.settings["OUTPUT_PATH"]))
    logger.info(
        "kp_images: %d derivatives published (%d newly encoded, %d linked)",
        len(images.published),
        images.encoded,
        copied,
    )


def image_objects(settings: dict, content, base: str) -> list[dict]:
    """schema.org ImageObjects for the photos ``content`` shows (see ``structured``)."""
    from .structured import image_object

    images = pipeline(settings)
    shown = images.shown.get(getattr(content, "source_path", None), [])
    return [image_object(picture, caption, images, base) for picture, caption in shown]


def register() -> None:
    signals.initialized.connect(start)
    signals.get_generators.connect(new_run)
    signals.generator_init.connect(add_template_helper)
    signals.static_generator_finalized.connect(withhold_originals)
    signals.all_generators_finalized.connect(rewrite_content_images)
    signals.finalized.connect(publish_derivatives)
