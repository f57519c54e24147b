"""Accessibility: axe-core (shipped inside axe-playwright-python) on a loaded page.

Only the WCAG 2.x A/AA rules run, so the gate means "WCAG 2.2 AA" and nothing vaguer; every
violation fails, whatever its impact.
"""

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_axe = Axe()


def axe_violations(page) -> list[tuple[str, str]]:
    """Return ``(element, detail)`` for every node that violates a WCAG A/AA rule."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = _axe.run(page, options=options)
    found = []
    for violation in results.response["violations"]:
        detail = f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            found.append((f"{target} {node.get('html', '')}", detail))
    return found
