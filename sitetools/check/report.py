"""The gates' findings, and the report people read.

Every page gets one result per check; a result passes when it has no findings. The report lists
each finding as ``page  [check]  element: detail`` and ends with exactly one summary line,
``N passed, N failed``, counting page x check results.
"""

from dataclasses import dataclass, field

# The checks every page gets, in report order.
CHECKS = (
    "html",  # Nu HTML Checker: zero errors
    "links",  # href/src/srcset inside the site resolve, #anchors included
    "console",  # console errors and uncaught exceptions
    "requests",  # failed requests: network errors and HTTP >= 400
    "third-party",  # any request to a host other than the site's own
    "csp",  # Content-Security-Policy violations
    "a11y",  # axe-core, WCAG 2.2 A/AA, desktop width
    "a11y-320",  # axe-core, WCAG 2.2 A/AA, 320 px wide
    "reflow-320",  # no horizontal scrolling at 320 px (WCAG 1.4.10)
)


@dataclass(frozen=True)
class Finding:
    page: str
    check: str
    element: str
    detail: str

    def __str__(self) -> str:
        element = " ".join(self.element.split())
        if len(element) > 160:
            element = element[:157] + "..."
        return f"FAIL {self.page}  [{self.check}]  {element}: {self.detail}"


@dataclass
class Report:
    pages: list[str]
    checks: tuple[str, ...] = CHECKS
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, page: str, check: str, element: str, detail: str) -> None:
        if check not in self.checks:
            raise ValueError(f"unknown check {check!r}")
        finding = Finding(page, check, element or "(page)", detail)
        # Desktop and mobile loads of the same page report the same fault once.
        if finding not in self.findings:
            self.findings.append(finding)

    def add_to_every_page(self, checks, element: str, detail: str) -> None:
        """A gate that could not run fails all its results; it never passes silently."""
        for page in self.pages:
            for check in checks:
                self.add(page, check, element, detail)

    def findings_for(self, page: str, check: str) -> list[Finding]:
        return [f for f in self.findings if f.page == page and f.check == check]

    @property
    def failed_results(self) -> set[tuple[str, str]]:
        return {(f.page, f.check) for f in self.findings}

    @property
    def failed(self) -> int:
        return len(self.failed_results)

    @property
    def passed(self) -> int:
        return len(self.pages) * len(self.checks) - self.failed

    @property
    def ok(self) -> bool:
        return self.failed == 0

    @property
    def summary(self) -> str:
        return f"{self.passed} passed, {self.failed} failed"

    def render(self) -> str:
        order = {check: index for index, check in enumerate(self.checks)}
        page_order = {page: index for index, page in enumerate(self.pages)}
        findings = sorted(self.findings, key=lambda f: (page_order.get(f.page, 0), order[f.check]))
        lines = [str(finding) for finding in findings]
        per_page = self.seconds / len(self.pages) if self.pages else 0.0
        lines.append(
            f"checked {len(self.pages)} page(s) x {len(self.checks)} checks "
            f"in {self.seconds:.1f} s ({per_page:.2f} s per page)"
        )
        lines.append(self.summary)
        return "\n".join(lines)
