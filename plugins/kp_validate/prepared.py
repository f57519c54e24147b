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
"""

from __future__ import annotations

from kp_common.contents import all_content
from kp_common.forked import map_forked

from . import allowlist, links
from .state import STATE

MIN_POSTS = 32  # below this a pool costs more than it saves (a few ms of parsing a post)


def prepare(generators) -> None:
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

    for (for_links, rendered), (elements, found) in zip(
        pairs, map_forked(both, pairs, min_items=MIN_POSTS), strict=True
    ):
        links.PREPARED[for_links] = elements
        allowlist.PREPARED[rendered] = found


def forget() -> None:
    links.PREPARED.clear()
    allowlist.PREPARED.clear()
