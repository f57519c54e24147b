"""Random and mutated front matter never ends in a traceback or a half-published site.

Every example is built for real (into one output folder per test, on top of the last
good build). The build either succeeds, or fails with every problem in the authors'
format (``file:line: problem`` + ``How to fix:``) and the previous output byte for byte
as it was.
"""

from __future__ import annotations

import hashlib
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sitebuild import AUTHOR_ERROR, build_site, make_content

KEYS = [
    "Title",
    "Date",
    "Modified",
    "Category",
    "Tags",
    "Slug",
    "Summary",
    "Author",
    "Image",
    "Image_alt",
    "Status",
    "Save_as",
]
GOOD_VALUES = [
    "What to wear",
    "2026-03-14",
    "2026-03-14 09:30",
    "2026-13-45",
    "Headshots",
    "Headshots, Tips",
    "[a, b]",
    "images/blog/portrait.jpg",
    "images/blog/missing.jpg",
    "../../../etc/passwd",
    "draft",
    "hidden",
    "published",
    "what-to-wear",
    "blog/index.html",
    "../outside.html",
    "<script>alert(1)</script>",
    "",
]
# Any character but line breaks (those end a front matter line: the mutation test's job).
TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    ),
    max_size=30,
)
VALUE = st.one_of(st.sampled_from(GOOD_VALUES), TEXT)
LINE = st.tuples(
    st.one_of(st.sampled_from(KEYS), st.from_regex(r"[A-Za-z_]{1,10}", fullmatch=True)), VALUE
)
BODY = st.one_of(
    st.sampled_from(["Some text.", "", "![](/images/x.jpg)", "[a]({filename}nope.md)"]), TEXT
)
MUTATION_BYTES = [*b":\n -,[]{}<>\"'\\/_.#", 0xE9, 0xFF, 0x00]

VALID_POST = (
    "Title: Fuzzed post\nDate: 2026-03-01\nCategory: Headshots\nTags: a, b\n"
    "Slug: fuzzed\nImage: images/blog/portrait.jpg\nImage_alt: A portrait\n\n"
    "Text with a [link](/blog/what-to-wear/).\n"
)

# 30 examples keep the suite quick on two shared cores; KP_FUZZ_EXAMPLES=500 digs deeper.
FUZZ = settings(
    max_examples=int(os.environ.get("KP_FUZZ_EXAMPLES", "30")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def digest(folder) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def mutate(data, source: bytes, start: int = 0) -> bytes:
    """Up to six byte deletions, insertions or replacements at or after ``start``."""
    mutated = bytearray(source)
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(start, len(mutated)))
        operation = data.draw(st.sampled_from(["delete", "insert", "replace"]))
        byte = data.draw(st.sampled_from(MUTATION_BYTES))
        if operation == "delete" and position < len(mutated):
            del mutated[position]
        elif operation == "insert":
            mutated.insert(position, byte)
        elif position < len(mutated):
            mutated[position] = byte
    return bytes(mutated)


class Harness:
    """One content folder and one output folder, reused by every example of a test."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.content = make_content(tmp_path)
        self.output = tmp_path / "output"
        first = build_site(tmp_path, content=self.content, output=self.output)
        assert first.ok, first.problems
        self.last_ok = True  # whether the last build published

    def check(self, source: bytes) -> None:
        before = digest(self.output)
        (self.content / "blog" / "fuzz.md").write_bytes(source)
        result = build_site(self.tmp_path, content=self.content, output=self.output)
        self.last_ok = result.ok
        everything = "\n".join(result.problems)
        assert "Traceback" not in everything
        for problem in result.problems:
            assert AUTHOR_ERROR.match(problem), f"not in the authors' format: {problem!r}"
            assert "How to fix:" in problem
        if result.ok:
            assert (self.output / "index.html").is_file()
        else:
            assert any("fuzz.md" in problem for problem in result.problems), everything
            assert digest(self.output) == before, "a failed build changed the output"
        assert not [p for p in self.tmp_path.iterdir() if p.name.startswith("output.")]


def test_random_front_matter(tmp_path_factory):
    harness = Harness(tmp_path_factory.mktemp("fuzz-random"))

    @FUZZ
    @given(lines=st.lists(LINE, max_size=8), body=BODY)
    def run(lines, body):
        front = "\n".join(f"{key}: {value}" for key, value in lines)
        harness.check(f"{front}\n\n{body}\n".encode())

    run()


def test_mutated_front_matter(tmp_path_factory):
    harness = Harness(tmp_path_factory.mktemp("fuzz-mutated"))

    @FUZZ
    @given(data=st.data())
    def run(data):
        harness.check(mutate(data, VALID_POST.encode()))

    run()


def test_harness_notices_a_broken_build(tmp_path):
    """The fuzz tests could pass by building nothing; this shows they would notice."""
    harness = Harness(tmp_path)
    before = digest(harness.output)
    harness.check(b"Title: Broken\nDate: 2026-13-45\n\nText.\n")
    assert digest(harness.output) == before
    harness.check(VALID_POST.encode())
    assert "blog/fuzzed/index.html" in digest(harness.output)
