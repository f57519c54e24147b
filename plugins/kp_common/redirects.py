"""Old addresses that must keep working: the authors' redirects file, read the same way by
everything that publishes it.

``content/data/redirects.yaml`` (``KP_REDIRECTS_FILE``) lists them; ``invoke
import-wordpress`` adds the old WordPress permalinks of the posts it imports::

    redirects:
      - from: /2023/08/14/navigating-the-choice/     # the old address (a path on our domain)
        to: /blog/ai-headshots-vs-professional-photographer/
      - from: /?p=123                                # WordPress's ?p=ID form
        to: /blog/ai-headshots-vs-professional-photographer/

Three renderings need the same entries: the ``kp_redirects`` plugin writes the HTML stub
pages (GitHub Pages) and ``_redirects`` (Netlify, Cloudflare Pages) in every build, and
``sitetools.headers`` writes the nginx ``map`` without a build. So the file is parsed and
checked here, once, as plain data; whether a target is a page of the site can only be known
in a build, and the plugin checks that.

Every value ends up in an nginx config, a ``_redirects`` line or an HTML attribute, so only
characters that are safe in all three are accepted: the characters RFC 3986 allows in a path
(anything else, a space or a letter like ``é`` included, is percent-encoded for the author),
and a query of exactly one ``name=value``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

import yaml

from kp_common.errors import AuthorError
from kp_common.settings import site_settings

# RFC 3986 pchar plus "/", without "'" and "$" (nginx variables) and ";" (nginx syntax).
_PATH_CHARACTERS = re.compile(r"^/[A-Za-z0-9\-._~!&()*+,=:@%/]*$")
_QUERY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=([A-Za-z0-9_.\-]+)$")
_UNSAFE_DECODED = re.compile(r"[\x00-\x20\x7f\"'\\$;{}<>`]")
FROM_FIX = (
    "write the old address as a path starting with '/', e.g. from: /2023/08/14/my-post/ "
    "(or WordPress's from: /?p=123)."
)
TO_FIX = "write the new address as a path of this site, e.g. to: /blog/my-post/."


@dataclass(frozen=True)
class Redirect:
    """One old address (``source``: a path, or a path with one ``?name=value``) and where it
    now lives (``target``: a site path or an http(s) URL), with its line in the file."""

    source: str
    target: str
    line: int | None = None

    @property
    def path(self) -> str:
        return self.source.split("?", 1)[0]

    @property
    def query(self) -> tuple[str, str] | None:
        if "?" not in self.source:
            return None
        name, value = self.source.split("?", 1)[1].split("=", 1)
        return name, value

    def decoded_paths(self) -> list[str]:
        """The path as a server sees it (percent-decoded, as nginx's ``$uri``), with and
        without its trailing slash, so ``/old`` and ``/old/`` both redirect."""
        path = unquote(self.path)
        variants = [path]
        if path != "/":
            variants.append(path[:-1] if path.endswith("/") else path + "/")
        return variants

    def stub_file(self) -> str | None:
        """Where an HTML stub for this address goes in the output folder (None for a query
        form, which a static host cannot serve)."""
        if self.query:
            return None
        path = unquote(self.path).lstrip("/")
        if path.lower().endswith((".html", ".htm")):
            return path
        return path.rstrip("/") + "/index.html"


def settings_file(settings: dict, content: str | os.PathLike | None = None) -> str:
    """The redirects file of a site: ``KP_REDIRECTS_FILE`` (checked by the settings layer)
    under the content folder (``content``, or the settings' ``PATH``)."""
    folder = content if content is not None else settings.get("PATH", "content")
    return os.path.join(folder, site_settings(settings).redirects_file)


def normalise_source(value: str) -> str:
    """An old address as we keep it: percent-encoded, slashes merged (as nginx does)."""
    path, _, query = value.strip().partition("?")
    path = re.sub(r"/{2,}", "/", path)
    path = quote(unquote(path), safe="/-._~!&()*+,=:@")
    return f"{path}?{query}" if query else path


def check_source(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AuthorError("A redirect has no 'from' address.", FROM_FIX)
    raw = value.strip()
    if raw.startswith(("http://", "https://")):
        parts = urlsplit(raw)
        raw = parts.path + (f"?{parts.query}" if parts.query else "")
    if not raw.startswith("/") or "#" in raw:
        raise AuthorError(f"The old address {value!r} is not a path starting with '/'.", FROM_FIX)
    source = normalise_source(raw)
    path, _, query = source.partition("?")
    decoded = unquote(path)
    if (
        not _PATH_CHARACTERS.match(path)
        or _UNSAFE_DECODED.search(decoded)
        or ".." in decoded.split("/")
    ):
        raise AuthorError(
            f"The old address {value!r} contains characters a web server cannot match safely.",
            FROM_FIX,
        )
    if query and not _QUERY.match(query):
        raise AuthorError(
            f"The old address {value!r} has a query other than one name=value.",
            "only one parameter is matched, e.g. from: /?p=123.",
        )
    if path == "/" and not query:
        raise AuthorError(
            "A redirect from '/' would send the home page away.", "remove this redirect."
        )
    return source


def check_target(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AuthorError("A redirect has no 'to' address.", TO_FIX)
    target = value.strip()
    parts = urlsplit(target)
    if parts.scheme in ("http", "https") and parts.netloc:
        rest = target[len(f"{parts.scheme}://{parts.netloc}") :] or "/"
    elif target.startswith("/") and not target.startswith("//"):
        rest = target
    else:
        raise AuthorError(
            f"The new address {value!r} is neither a path of this site nor an https:// address.",
            TO_FIX,
        )
    safe = re.compile(r"^[A-Za-z0-9\-._~!&()*+,=:@%/?#]*$")
    if not safe.match(rest) or not re.match(r"^[A-Za-z0-9.\-]*(:\d+)?$", parts.netloc or ""):
        raise AuthorError(
            f"The new address {value!r} contains characters a web server cannot send safely.",
            TO_FIX + " Percent-encode spaces and other characters (%20).",
        )
    return target


def parse(text: str) -> tuple[list[Redirect], list[AuthorError]]:
    """The redirects in a file's text, and every mistake in it (each with its line)."""
    try:
        document = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return [], [
            AuthorError(
                f"The redirects file is not valid YAML ({getattr(error, 'problem', error)}).",
                "check the indentation, and put values containing ': ' or ' #' in quotes.",
                mark.line + 1 if mark else None,
            )
        ]
    if document is None:
        return [], []
    if not isinstance(document, yaml.MappingNode):
        return [], [_shape_error(document)]
    entries = _mapping(document).get("redirects")
    if entries is None or (isinstance(entries, yaml.ScalarNode) and entries.value in ("", "~")):
        return [], []
    if not isinstance(entries, yaml.SequenceNode):
        return [], [_shape_error(entries)]
    redirects: list[Redirect] = []
    errors: list[AuthorError] = []
    seen: dict[str, int] = {}
    for node in entries.value:
        line = node.start_mark.line + 1
        fields = _mapping(node) if isinstance(node, yaml.MappingNode) else None
        if fields is None or set(fields) - {"from", "to"}:
            errors.append(
                AuthorError(
                    "Each redirect is two lines, 'from:' and 'to:'" + _unknown(fields),
                    "write it as:  - from: /old-address/  and below it  to: /blog/new-post/",
                    line,
                )
            )
            continue
        try:
            source = check_source(_scalar(fields.get("from")))
            target = check_target(_scalar(fields.get("to")))
        except AuthorError as error:
            errors.append(AuthorError(error.problem, error.fix, line))
            continue
        if source in seen:
            errors.append(
                AuthorError(
                    f"The old address {source} is redirected twice (first on line {seen[source]}).",
                    "keep one of the two entries.",
                    line,
                )
            )
            continue
        if target.split("#")[0] in (source, source.rstrip("/") + "/", source.rstrip("/")):
            errors.append(
                AuthorError(f"{source} redirects to itself.", "remove this redirect.", line)
            )
            continue
        seen[source] = line
        redirects.append(Redirect(source, target, line))
    return redirects, errors


def load(path: str | os.PathLike) -> tuple[list[Redirect], list[AuthorError]]:
    """``parse`` of a file; a missing file holds no redirects."""
    try:
        with open(path, encoding="utf-8") as handle:
            return parse(handle.read())
    except FileNotFoundError:
        return [], []
    except UnicodeDecodeError:
        return [], [AuthorError("The redirects file is not UTF-8 text.", "save it as UTF-8.")]


def _mapping(node) -> dict:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _scalar(node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _unknown(fields: dict | None) -> str:
    extra = sorted(set(fields or ()) - {"from", "to"})
    return f" (unknown: {', '.join(extra)})." if extra else "."


def _shape_error(node) -> AuthorError:
    return AuthorError(
        "The file must hold 'redirects:' and below it a list of entries.",
        "start each entry with '- from: /old-address/' and put 'to: /new/' below it.",
        node.start_mark.line + 1,
    )
