"""Random and mutated block bodies never end in a traceback or a half-published site.

The front-matter fuzzer's harness, fed posts whose front matter is valid and whose body
holds ``/// compare``, ``/// consultation``, ``/// video``, ``/// gallery`` and ``/// faq``
blocks with random options, values, YAML and missing closings. The build either succeeds,
or fails with every problem in the authors' format and the previous output untouched.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.test_fuzz_front_matter import FUZZ, TEXT, Harness, mutate

FRONT = (
    "Title: Fuzzed blocks\nDate: 2026-03-01\nCategory: Headshots\nTags: a\n"
    "Slug: fuzzed-blocks\nImage: images/blog/portrait.jpg\nImage_alt: A portrait\n"
)
BLOCKS = ["compare", "consultation", "video", "gallery", "faq", "comapre", ""]
OPTIONS = [
    "before", "after", "before_alt", "after_alt", "labels", "start", "diff",
    "headline", "text", "label", "url", "poster", "captions", "images", "folder",
    "questions", "unknown_option",
]  # fmt: skip
VALUES = [
    "images/blog/portrait.jpg",
    "images/blog/portrait-edited.jpg",
    "{static}/images/blog/portrait.jpg",
    "images/blog/missing.jpg",
    "../../../etc/passwd",
    "A portrait",
    "",
    "50",
    "150",
    "-1",
    "true",
    "[Original, AI edit]",
    "[a, b, c]",
    "{a: 1}",
    "https://www.youtube.com/watch?v=abcdefghijk",
    "javascript:alert(1)",
    "video/clip.mp4",
    "'unclosed",
    "<script>alert(1)</script>",
    "- a\n- b",
]
OPTION_LINE = st.tuples(st.sampled_from(OPTIONS), st.one_of(st.sampled_from(VALUES), TEXT))
VALID_BODY = (
    "Intro.\n\n/// compare | What the app did\n"
    "before: images/blog/portrait.jpg\nbefore_alt: The original\n"
    "after: images/blog/portrait-edited.jpg\nafter_alt: The AI edit\n///\n\n"
    "/// consultation\nheadline: Talk to us\n///\n"
)


def test_random_blocks(tmp_path_factory):
    harness = Harness(tmp_path_factory.mktemp("fuzz-blocks"))

    @FUZZ
    @given(
        name=st.sampled_from(BLOCKS),
        argument=st.one_of(st.just(""), TEXT),
        options=st.lists(OPTION_LINE, max_size=7),
        closed=st.booleans(),
    )
    def run(name, argument, options, closed):
        header = f"/// {name}" + (f" | {argument}" if argument else "")
        body = "\n".join(f"{key}: {value}" for key, value in options)
        closing = "\n///" if closed else ""
        harness.check(f"{FRONT}\nIntro.\n\n{header}\n{body}{closing}\n\nAfter.\n".encode())

    run()


def test_mutated_blocks(tmp_path_factory):
    harness = Harness(tmp_path_factory.mktemp("fuzz-blocks-mutated"))
    valid = f"{FRONT}\n{VALID_BODY}".encode()
    harness.check(valid)
    assert (harness.output / "blog" / "fuzzed-blocks" / "index.html").is_file(), (
        "the unmutated post must build, or the mutations prove nothing"
    )

    @FUZZ
    @given(data=st.data())
    def run(data):
        # Mutate the body, where the blocks are.
        harness.check(mutate(data, valid, start=len(FRONT) + 1))

    run()
