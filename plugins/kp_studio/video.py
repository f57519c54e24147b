"""``/// video | Title``: YouTube, Vimeo or self-hosted MP4, with nothing loaded from the host
until the reader presses play.

    /// video | How an AI edit changes a face
    url: https://www.youtube.com/watch?v=XXXXXXXXXXX
    poster: images/video/ai-edits-poster.jpg
    ///

* YouTube/Vimeo become a click-to-load facade (``partials/video.html`` + ``js/video.js``): our
  own poster (through kp_images, never the host's thumbnail), a real ``<button>`` named after
  the video, and only on click an ``<iframe>`` from ``www.youtube-nocookie.com`` or
  ``player.vimeo.com`` with ``dnt=1``. Without JavaScript: a plain link to the video.
  (lite-youtube-embed fetches its poster from Google and preconnects on hover; we do neither.)
* MP4 becomes ``<video controls preload="none">`` with an optional captions track (WebVTT). The
  file must be ours (in ``content/``): the CSP's ``media-src 'self'`` plays nothing else.

A poster is required for YouTube/Vimeo: generating one would mean fetching the host's
thumbnail at build time, a third-party request we refuse. Errors name the file and line.
"""

from __future__ import annotations

import os
import re
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlparse

from kp_common.errors import AuthorError
from PIL import UnidentifiedImageError

from .blocks import Option, StudioBlock, content_path, register_block, text

YOUTUBE_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtu.be",
    "www.youtube-nocookie.com",
    "youtube-nocookie.com",
}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
URL_EXAMPLE = "url: https://www.youtube.com/watch?v=dQw4w9WgXcQ"
URL_FIX = (
    "Use a YouTube or Vimeo address (copy it from the browser's address bar), or the path "
    "of an .mp4 file in content/, such as video/clip.mp4."
)


def video_url(value: Any) -> dict[str, str]:
    """``{kind, id, link, embed}`` for YouTube/Vimeo, ``{kind: mp4, src}`` for MP4."""
    raw = text(value)
    parsed = urlparse(raw)
    host = parsed.netloc.lower()
    if parsed.scheme in ("http", "https") and host in YOUTUBE_HOSTS:
        if host == "youtu.be":
            video_id = parsed.path.strip("/")
        elif parsed.path == "/watch":
            video_id = parse_qs(parsed.query).get("v", [""])[0]
        else:
            match = re.match(r"^/(?:embed|shorts|live|v)/([^/?#]+)", parsed.path)
            video_id = match.group(1) if match else ""
        if not YOUTUBE_ID.match(video_id):
            raise AuthorError(f"is a YouTube address without a video id ({raw!r}).", URL_FIX)
        return {
            "kind": "youtube",
            "host": "YouTube",
            "id": video_id,
            "link": f"https://www.youtube.com/watch?v={video_id}",
            "embed": f"https://www.youtube-nocookie.com/embed/{video_id}?"
            + urlencode({"autoplay": 1, "rel": 0}),
        }
    if parsed.scheme in ("http", "https") and host in VIMEO_HOSTS:
        match = re.match(r"^/(?:video/)?(\d+)(?:/([0-9a-f]+))?/?$", parsed.path)
        if not match:
            raise AuthorError(f"is a Vimeo address without a video number ({raw!r}).", URL_FIX)
        video_id, private_hash = match.groups()
        private_hash = private_hash or parse_qs(parsed.query).get("h", [None])[0]
        query = {"dnt": 1, "autoplay": 1, **({"h": private_hash} if private_hash else {})}
        return {
            "kind": "vimeo",
            "host": "Vimeo",
            "id": video_id,
            "link": f"https://vimeo.com/{video_id}" + (f"/{private_hash}" if private_hash else ""),
            "embed": f"https://player.vimeo.com/video/{video_id}?" + urlencode(query),
        }
    if parsed.path.lower().endswith(".mp4"):
        if parsed.scheme or host:
            raise AuthorError(
                f"is an .mp4 file on another site ({raw!r}); readers' browsers would fetch it "
                "from there, and our Content-Security-Policy only plays our own files.",
                "Put the .mp4 under content/ (e.g. content/video/clip.mp4) and write its path, "
                "or upload the video to YouTube or Vimeo.",
            )
        path = content_path(raw)
        return {"kind": "mp4", "src": "{static}/" + path, "file": path}
    raise AuthorError(f"is not a YouTube, Vimeo or .mp4 address ({raw!r}).", URL_FIX)


def captions_path(value: Any) -> str:
    path = content_path(value)
    if not path.lower().endswith(".vtt"):
        raise AuthorError(
            f"must be a WebVTT file ending in .vtt ({path!r}).",
            "Export the captions as WebVTT (.vtt) and put the file in content/.",
        )
    return path


@register_block
class VideoBlock(StudioBlock):
    NAME = "video"
    ARGUMENT = "required"
    ARGUMENT_LABEL = "title"
    SYNTAX = (
        "/// video | Title\nurl: https://www.youtube.com/watch?v=...\n"
        "poster: images/video/poster.jpg\n///"
    )
    SCHEMA: ClassVar[dict[str, Option]] = {
        "url": Option(video_url, example=URL_EXAMPLE),
        "poster": Option(content_path, default=None, example="poster: images/video/poster.jpg"),
        "captions": Option(captions_path, default=None, example="captions: video/clip.en.vtt"),
    }

    def check(self, data: dict[str, Any]):
        kind = data["url"]["kind"]
        if kind != "mp4" and not data["poster"]:
            yield AuthorError(
                f"A {data['url']['host']} video needs a 'poster' image from our own site "
                "(we never load the host's thumbnail before the reader presses play).",
                "Add 'poster: images/video/NAME.jpg' with a still from the video, 16:9.",
                self.line,
            )
        if kind != "mp4" and data["captions"]:
            yield AuthorError(
                f"'captions' only applies to .mp4 videos; {data['url']['host']} has its own.",
                "Upload the captions to the video host, and remove the 'captions' line.",
                self._option_line("captions"),
            )

    @classmethod
    def prepare(cls, data: dict[str, Any], ctx) -> dict[str, Any] | None:
        video = dict(data["url"])
        for option, path in (
            ("poster", data["poster"]),
            ("captions", data["captions"]),
            ("url", video.get("file")),
        ):
            if path and not os.path.isfile(os.path.join(ctx.content_dir, path)):
                ctx.error(
                    f"The {option} file '{path}' does not exist.",
                    "Check the name and put the file under content/ (images in content/images/).",
                    ctx.option_line(option),
                )
        if ctx.failed:
            return None
        poster = None
        if data["poster"]:
            poster = _poster(data["poster"], ctx)
            if poster is None:
                ctx.error(
                    f"The poster '{data['poster']}' is not an image we can read.",
                    "Export the still as JPEG or PNG.",
                    ctx.option_line("poster"),
                )
                return None
        return {
            "video": {
                **video,
                "title": ctx.typography(data["title"]),
                "poster": poster,
                "captions": ("{static}/" + data["captions"]) if data["captions"] else None,
            }
        }


def _poster(path: str, ctx):
    """The poster through kp_images (AVIF/WebP/JPEG, lazy), or the plain file without it."""
    try:
        from kp_images.images import pipeline

        # The play button names the video; the still under it is decorative.
        images = pipeline(ctx.generator.settings)
        return images.image_set(os.path.join(ctx.content_dir, path), alt="", decorative=True)
    except (OSError, UnidentifiedImageError, ValueError):
        return None
    except (ImportError, RuntimeError):
        return {
            "src": "{static}/" + path,
            "srcset": "",
            "sizes": "",
            "sources": (),
            "width": "",
            "height": "",
            "alt": "",
            "eager": False,
        }
