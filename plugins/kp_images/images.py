"""Responsive images: AVIF + WebP + JPEG derivatives at several widths, cached by content hash.

Every ``<img>`` in article and page HTML becomes the theme partial ``partials/picture.html``
(``<picture>`` with one ``<source>`` per modern format, ``srcset``/``sizes``, explicit
``width``/``height``, lazy loading except for the page's first image). Templates get the same
pipeline through the Jinja global ``responsive_image(path, alt, sizes=None, eager=False)``, which
returns an :class:`ImageSet` (data only; the markup stays in the partial), so hero images and the
before/after comparison share it.

Why not pelican-image-process (3.4 / 4.x, read before writing this):

* it only touches images an author marks with a class (``{: .image-process-large}``); we want
  every content image handled without authors learning a convention;
* it builds the ``<picture>``/``srcset`` markup in Python with BeautifulSoup, while our rule is that
  all markup lives in theme templates, and it has no template helper for hero/comparison images;
* it writes no ``width``/``height`` (layout shift), and has no notion of an eager LCP image;
* its "do not reprocess" check is a file-time comparison against the *output* folder, which our
  build driver replaces on every build, so everything would be re-encoded each time; we cache by
  the hash of the source bytes and the encoding settings instead;
* it keeps or copies metadata (via exiftool) rather than stripping it; portraits from a studio
  camera carry the camera serial, the owner's name and sometimes GPS: we apply the EXIF
  orientation and drop all metadata except the ICC colour profile.

Pillow 13 encodes AVIF itself (``PIL.features.check("avif")``), so no extra package is needed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from bs4 import BeautifulSoup
from kp_common.contents import all_content
from kp_common.files import link_or_copy, stamp
from kp_common.pelican_compat import html_source, set_html_source
from pelican import signals
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

DEFAULTS = {
    "widths": (360, 720, 1080, 1440),
    # The content column is at most 720 CSS px wide; below that the image spans the viewport.
    "sizes": "(min-width: 760px) 720px, 100vw",
    "cache_dir": None,  # default: <CACHE_PATH>/kp_images
    "output_dir": "images/r",
    "formats": ("avif", "webp", "jpeg"),
    "quality": {"avif": 55, "webp": 75, "jpeg": 80},
    "avif_speed": 7,
    "fallback_width": 720,
}
# Bump when the encoding code changes so cached derivatives are rebuilt.
PIPELINE_VERSION = "1"
MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}
EXTENSION = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}
IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
PROCESSABLE = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".avif"}
# {filename} is for links to other content; an image written with it is an author mistake
# that kp_validate reports, so such images are left alone.
LINK_PREFIX = re.compile(r"^(?:\{(?:static|attach)\}|\|(?:static|attach)\|)")


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
    files: tuple[str, ...] = field(default=(), compare=False, repr=False)


class ResponsiveImages:
    """Makes, caches and publishes derivatives for one Pelican run."""

    def __init__(self, settings: dict):
        options = {**DEFAULTS, **settings.get("KP_IMAGES", {})}
        self.widths = tuple(sorted(int(w) for w in options["widths"]))
        self.sizes = options["sizes"]
        self.formats = tuple(options["formats"])
        self.quality = dict(options["quality"])
        self.avif_speed = int(options["avif_speed"])
        self.fallback_width = int(options["fallback_width"])
        self.content_path = Path(settings["PATH"])
        self.output_path = Path(settings["OUTPUT_PATH"])
        self.cache_dir = Path(
            options["cache_dir"] or Path(settings.get("CACHE_PATH", "cache")) / "kp_images"
        )
        self.output_dir = options["output_dir"].strip("/")
        self.siteurl = settings.get("SITEURL", "").rstrip("/")
        self.params = json.dumps(
            [PIPELINE_VERSION, self.widths, self.formats, self.quality, self.avif_speed],
            sort_keys=True,
        )
        self.published: dict[str, Path] = {}  # output-relative path -> cached file
        self.encoded = 0  # derivatives actually encoded in this run (the rest came from cache)
        # source -> (its stamp, its derivatives), for as long as this Pelican runs.
        self._sets: dict[Path, tuple[tuple, tuple]] = {}
        # source path of a post or page -> (inputs key, images' stamps, rewritten HTML): a
        # long-lived Pelican (livereload) rewrites again only what changed.
        self._rewritten: dict[str, tuple[tuple, tuple, str]] = {}

    # -- building ---------------------------------------------------------------------------

    def image_set(
        self,
        path: str | os.PathLike,
        alt: str,
        sizes: str | None = None,
        eager: bool = False,
        title: str = "",
        css_class: str = "",
        decorative: bool = False,
    ) -> ImageSet:
        """Derivatives for ``path`` (relative to the content folder, or absolute)."""
        source = Path(path)
        if not source.is_absolute():
            source = self.content_path / str(path).lstrip("/")
        _stem, width, height, variants = self._derivatives(source.resolve())
        urls = {
            fmt: ", ".join(f"{self._url(rel)} {w}w" for w, rel in variants[fmt])
            for fmt in self.formats
        }
        jpeg = variants["jpeg"]
        fallback = next((rel for w, rel in reversed(jpeg) if w <= self.fallback_width), jpeg[0][1])
        return ImageSet(
            src=self._url(fallback),
            srcset=urls["jpeg"],
            sizes=sizes or self.sizes,
            width=width,
            height=height,
            alt=alt,
            eager=eager,
            sources=tuple(Source(MIME[f], urls[f]) for f in self.formats if f != "jpeg"),
            widths=tuple(w for w, _ in jpeg),
            title=title,
            css_class=css_class,
            decorative=decorative,
            files=tuple(rel for f in self.formats for _, rel in variants[f]),
        )

    def target_widths(self, original_width: int) -> list[int]:
        widths = [w for w in self.widths if w < original_width]
        if original_width <= self.widths[-1] or not widths:
            widths.append(min(original_width, self.widths[-1]))
        return sorted(set(widths))

    def _url(self, rel: str) -> str:
        return f"{self.siteurl}/{rel}"

    def _derivatives(self, source: Path):
        source_stamp = stamp(source)
        known = self._sets.get(source)
        if known is not None and known[0] == source_stamp:
            return known[1]
        data = source.read_bytes()
        digest = hashlib.sha256(data + self.params.encode()).hexdigest()[:16]
        stem = re.sub(r"[^a-z0-9-]+", "-", source.stem.lower()).strip("-") or "image"
        cache = self.cache_dir / digest
        manifest = cache / "manifest.json"
        if manifest.is_file():
            info = json.loads(manifest.read_text())
        else:
            info = self._encode(source, cache)
            manifest.write_text(json.dumps(info))
        variants: dict[str, list[tuple[int, str]]] = {}
        for fmt in self.formats:
            variants[fmt] = []
            for width in info["widths"]:
                name = f"{width}.{EXTENSION[fmt]}"
                rel = posixpath.join(self.output_dir, f"{stem}-{digest[:10]}-{name}")
                self.published[rel] = cache / name
                variants[fmt].append((width, rel))
        result = (stem, info["width"], info["height"], variants)
        self._sets[source] = (source_stamp, result)
        # Into the output now, not at the end: checks that run before `finalized` (kp_validate's
        # link check) must find the files the rewritten pages point to.
        self._copy([rel for fmt in self.formats for _, rel in variants[fmt]])
        return result

    def _encode(self, source: Path, cache: Path) -> dict:
        cache.mkdir(parents=True, exist_ok=True)
        with Image.open(source) as opened:
            icc = opened.info.get("icc_profile")
            # Apply the camera's orientation, then forget every bit of metadata (EXIF, XMP,
            # comments): derivatives keep pixels and the colour profile only.
            has_alpha = opened.mode in ("RGBA", "LA", "PA") or "transparency" in opened.info
            image = ImageOps.exif_transpose(opened)
            image.load()
        image.info = {}
        image = image.convert("RGBA" if has_alpha else "RGB")
        width, height = image.size
        widths = self.target_widths(width)
        for target in widths:
            resized = (
                image
                if target == width
                else image.resize(
                    (target, round(height * target / width)), Image.Resampling.LANCZOS
                )
            )
            resized.info = {}
            for fmt in self.formats:
                out = cache / f"{target}.{EXTENSION[fmt]}"
                picture = resized
                options: dict = {"quality": self.quality[fmt]}
                if icc:
                    options["icc_profile"] = icc
                if fmt == "jpeg":
                    if has_alpha:
                        flat = Image.new("RGB", resized.size, "white")
                        flat.paste(resized, mask=resized.getchannel("A"))
                        picture = flat
                    options.update(optimize=True, progressive=True)
                elif fmt == "webp":
                    options["method"] = 5
                elif fmt == "avif":
                    options["speed"] = self.avif_speed
                picture.save(out, format=fmt.upper(), **options)
                self.encoded += 1
        return {"width": width, "height": height, "widths": widths}

    # -- publishing -------------------------------------------------------------------------

    def publish(self, output_path: Path | None = None) -> int:
        """Copy every derivative used in this run from the cache into the output folder."""
        return self._copy(list(self.published), output_path)

    def _copy(self, relative_paths: list[str], output_path: Path | None = None) -> int:
        output = Path(output_path or self.output_path)
        copied = 0
        for rel in relative_paths:
            cached, target = self.published[rel], output / rel
            if target.is_file() and target.stat().st_size == cached.stat().st_size:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(cached, target)
            copied += 1
        return copied

    # -- content HTML -----------------------------------------------------------------------

    def resolve(self, src: str, content) -> Path | None:
        """The source file behind an ``<img src>`` in rendered content, or None if external."""
        if src.strip().startswith(("{filename}", "|filename|")):
            return None
        value = LINK_PREFIX.sub("", src.strip())
        if self.siteurl and value.startswith(self.siteurl + "/"):
            value = value[len(self.siteurl) :]
        parsed = urlparse(value)
        if parsed.scheme or parsed.netloc:
            return None
        path = unquote(parsed.path)
        if path.startswith("/"):
            return self.content_path / path.lstrip("/")
        here = Path(content.source_path).parent
        candidate = (here / path).resolve()
        if candidate.is_file():
            return candidate
        return self.content_path / path

    def rewrite(self, content, env) -> None:
        """Replace each ``<img>`` of ``content`` with the rendered picture partial.

        Only the ``<img>`` tags are replaced, in place: the rest of the HTML stays byte for
        byte as the other plugins left it (re-serialising it would, e.g., turn typography's
        ``&#8217;`` into a literal character).
        """
        html = html_source(content)
        if not html or "<img" not in html:
            return
        template = env.get_template("partials/picture.html")
        key = (
            hashlib.blake2b(html.encode(), digest_size=16).digest(),
            bool(content.metadata.get("image")),
            stamp(Path(template.filename)) if template.filename else None,
        )
        known = self._rewritten.get(content.source_path)
        if known and known[0] == key and all(stamp(p) == s for p, s in known[1]):
            set_html_source(content, known[2])
            return
        used: list[Path] = []
        # The hero image (rendered by the template, eager) is the LCP image when there is one.
        first = not content.metadata.get("image")
        pieces, last = [], 0
        for match in IMG_TAG.finditer(html):
            img = BeautifulSoup(match.group(0), "html.parser").img
            before = html[: match.start()]
            inside_picture = before.count("<picture") > before.count("</picture>")
            # Images a template already made decisions for (a <picture>, a srcset, a loading
            # policy: the comparison block, the video poster) are left as they are.
            if img is None or inside_picture or {"srcset", "loading"} & set(img.attrs):
                first = False
                continue
            source = self.resolve(img.get("src", ""), content)
            if source is None or source.suffix.lower() not in PROCESSABLE:
                continue
            used.append(source)  # even if missing: it may be there next time
            if not source.is_file():
                # A missing image is reported once, with file and line, by kp_validate's link
                # check; the <img> stays as written so that check sees what the author wrote.
                continue
            try:
                images = self.image_set(
                    source,
                    img.get("alt", ""),
                    eager=first,
                    title=img.get("title", ""),
                    css_class=" ".join(img.get("class", [])),
                )
            except (OSError, UnidentifiedImageError, ValueError):
                continue  # not an image Pillow can read: kp_validate reports it
            first = False
            pieces += [html[last : match.start()], template.render(image=images).strip()]
            last = match.end()
        if pieces:
            set_html_source(content, "".join([*pieces, html[last:]]))
        stamps = tuple((path, stamp(path)) for path in used)
        self._rewritten[content.source_path] = (key, stamps, html_source(content))


# -- signal handlers ---------------------------------------------------------------------------

# One pipeline per output folder, made when a Pelican object starts (``initialized``): a
# long-lived Pelican (livereload) keeps its own while other builds run in the same
# process (the tests build a fresh site beside a running session).
_pipelines: dict[str, ResponsiveImages] = {}


def _output_key(settings: dict) -> str:
    return os.path.realpath(settings["OUTPUT_PATH"])


def pipeline(settings: dict) -> ResponsiveImages:
    """The pipeline of the Pelican run writing to ``settings["OUTPUT_PATH"]``."""
    found = _pipelines.get(_output_key(settings))
    if found is None:
        raise RuntimeError("kp_images is not registered in this Pelican run.")
    return found


def _start_pipeline(settings: dict) -> ResponsiveImages:
    images = _pipelines[_output_key(settings)] = ResponsiveImages(settings)
    return images


def start(pelican) -> None:
    _start_pipeline(pelican.settings)


def add_template_helper(generator) -> None:
    try:
        images = pipeline(generator.settings)
    except RuntimeError:  # a generator made outside a full Pelican run
        images = _start_pipeline(generator.settings)

    def responsive_image(path, alt, sizes=None, eager=False, css_class=""):
        """The ImageSet, or None when the file is missing or not an image: kp_validate
        reports that with file and line, and the template simply shows no picture."""
        try:
            return images.image_set(path, alt, sizes=sizes, eager=eager, css_class=css_class)
        except (OSError, UnidentifiedImageError, ValueError):
            return None

    generator.env.globals["responsive_image"] = responsive_image


def rewrite_content_images(generators) -> None:
    for generator in generators:
        env = getattr(generator, "env", None)
        if env is None:
            continue
        for content in all_content([generator]):
            pipeline(generator.settings).rewrite(content, env)


def publish_derivatives(pelican) -> None:
    images = pipeline(pelican.settings)
    copied = images.publish(Path(pelican.settings["OUTPUT_PATH"]))
    logger.info(
        "kp_images: %d derivatives published (%d newly encoded, %d copied)",
        len(images.published),
        images.encoded,
        copied,
    )


def register() -> None:
    signals.initialized.connect(start)
    signals.generator_init.connect(add_template_helper)
    signals.all_generators_finalized.connect(rewrite_content_images)
    signals.finalized.connect(publish_derivatives)
