"""The link and allow-list checks' tokenising on every core, before a cold build's check.

``links`` and ``allowlist`` read every post's rendered HTML with a tokenizer (Python's
``html.parser``, and nh3 twice): about 4.5 s of a 1,000-post cold build, on one core
while the other sat idle. What they compute from a post's HTML is a pure function of it
(``links.tokenise``; ``allowlist.findings`` under the build's policy), so this runs those
functions on forked workers (``kp_common.forked``) and leaves the results where the checks
look first (``links.PREPARED``, ``allowlist.PREPARED``, keyed by the HTML itself). The
checks then run as before, in this process and in their order: every report, line number
and clean-state entry is the same as a serial check's; only where the parsing ran differs.

Only when neither check knows a post clean yet (an ordinary build, a livereload session's first):
a later livereload rebuild checks the few posts an edit changed, serially.

With Pelican's content cache on (the build driver turns it on), the results are kept in
``CACHE_PATH`` too (``CACHE_FILE``), keyed by a digest of each post's HTML, of the build's
policy and of this checker's code: a build after an edit tokenises the edited posts only.
The build driver drops the file with the content cache (a cold build starts without it).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from kp_common import kept as kept_files
from kp_common.contents import all_content
from kp_common.forked import map_forked

from . import allowlist, links
from .state import STATE

MIN_POSTS = 32  # below this a pool costs more than it saves (a few ms of parsing a post)
CACHE_FILE = "kp_validate-prepared"  # sitetools.build drops it with the content cache

last_tokenised = 0  # posts the last prepare() tokenised (the others came from CACHE_FILE)


def _code_digest() -> bytes:
    """What the kept results depend on besides the HTML: the checks' own code."""
    digest = hashlib.sha256()
    for module in (links, allowlist):
        digest.update(Path(module.__file__).read_bytes())
    return digest.digest()


def prepare(generators) -> None:
    global last_tokenised
    last_tokenised = 0
    if not generators or any(check in ("links", "allowlist") for check, _ in STATE.clean):
        return
    settings = generators[0].settings
    policy = allowlist.Policy(settings)
    relative = settings.get("RELATIVE_URLS")
    # The very strings the checks will ask for (Pelican memoises a page's content, so
    # they are resolved once, here, and inherited by the workers).
    pairs = []
    for content in all_content(generators):
        try:
            rendered = content.content
            for_links = content.get_content("/") if relative else rendered
        except Exception:  # noqa: S112  (the link check reports it, asking for the same HTML)
            continue
        pairs.append((for_links or "", rendered or ""))

    def both(pair: tuple[str, str]):
        for_links, rendered = pair
        return links.tokenise(for_links), allowlist.findings(rendered, policy)

    kept_path = kept_files.with_content_cache(settings, CACHE_FILE)
    kept = kept_files.read(kept_path, {})
    scope = hashlib.sha256(_code_digest() + repr((policy.siteurl, policy.form_targets)).encode())

    def key_of(pair: tuple[str, str]) -> str:
        digest = scope.copy()
        for text in pair:
            digest.update(text.encode("utf-8", "surrogatepass") + b"\0")
        return digest.hexdigest()

    keyed = {key_of(pair): pair for pair in pairs}
    missing = [key for key in keyed if key not in kept]
    last_tokenised = len(missing)
    made = map_forked(both, [keyed[key] for key in missing], min_items=MIN_POSTS)
    results = {key: kept[key] for key in keyed if key in kept}
    results.update(zip(missing, made, strict=True))
    for key, (for_links, rendered) in keyed.items():
        links.PREPARED[for_links], allowlist.PREPARED[rendered] = results[key]
    if kept_path is not None and results.keys() != kept.keys():
        kept_files.write(kept_path, results)


def forget() -> None:
    links.PREPARED.clear()
    allowlist.PREPARED.clear()
