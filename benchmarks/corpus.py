"""Write a synthetic corpus shaped like our blog, the same every time for a given seed.

Each post is about 1,000 words of Markdown with full front matter (Title, Date, Category,
Tags, Slug, Summary, Author, Image, Image_alt): headings, lists, a blockquote, external
links, ``{filename}`` links to other generated posts, inline images, and the prose marks
typography works on (straight quotes, apostrophes, ``--`` dashes, ``...`` ellipses,
ampersands, capitals). About one post in ten carries a ``/// compare`` block. A handful of
small JPEGs, generated here, are shared by every post; the pages the menu links to are
written too, so a build of the corpus has no broken links. The studio's own photos that
``pelicanconf.py`` names (the hero and the default preview image, a build error when
missing) are copied from ``content/images/portfolio`` and shown by the Portfolio page's
gallery, which the home page's portfolio strip reads, as on the real site.

    python benchmarks/corpus.py --posts 1000 --out benchmarks/corpus
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import datetime, timedelta
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent / "corpus"
IMAGE_COUNT = 6
COMPARE_EVERY = 10

CATEGORIES = ["Headshots", "Behind the scenes", "Branding", "Teams", "Guides", "Journal"]
TAGS = [
    "headshots", "linkedin", "lighting", "wardrobe", "retouching", "ai", "teams", "actors",
    "branding", "posing", "studio", "location", "makeup", "glasses", "backdrops", "colour",
    "portland", "founders", "pricing", "workflow",
]  # fmt: skip
AUTHORS = ["kp studios", "Kim Park", "Jordan Lee"]
SUBJECTS = [
    "a headshot", "the session", "your portrait", "good light", "the backdrop", "a retoucher",
    "an AI app", "the camera", "a team day", "your jacket", "natural light", "the studio",
    "a LinkedIn photo", "the client", "soft light", "a photographer", "the final edit",
]  # fmt: skip
VERBS = [
    "changes", "shapes", "flatters", "reveals", "softens", "frames", "rescues", "ruins",
    "sharpens", "balances", "warms", "defines", "simplifies", "exaggerates", "hides",
]  # fmt: skip
OBJECTS = [
    "the jawline", "every expression", "a tired face", "the catchlight", "your skin tone",
    "the collar", "a nervous smile", "the background", "fine hair", "the eyes", "a busy shirt",
    "the whole mood", "the shadows", "your confidence", "the crop",
]  # fmt: skip
ASIDES = [
    "and that's the point", "which surprises people", "as we'll see", "if you're honest",
    "most of the time", "it's true", "in our experience", "at least in Portland",
    "for better or worse", "believe it or not",
]  # fmt: skip
QUOTES = [
    "I don't look like that -- do I?",
    "Can you make it look like me, only rested?",
    "The app gave me someone else's teeth...",
    "We needed 40 portraits by Friday & they had to match.",
    "It's the first photo of myself I've actually liked.",
]
HEADINGS = [
    "Why light matters more than the camera",
    "What to wear (and what to leave at home)",
    'The trouble with "perfect" skin',
    "How we retouch -- by hand",
    "Before you book: a short checklist",
    "What the AI gets wrong... and right",
    "Working with teams & busy schedules",
    "The 15-minute consultation",
]
TITLE_WORDS = [
    "Headshots", "Light", "Wardrobe", "Retouching", "Teams", "Posing", "Glasses", "Backdrops",
    "Confidence", "LinkedIn", "Founders", "Colour", "Studio", "Location", "Makeup",
]  # fmt: skip


def _sentence(rng: random.Random) -> str:
    subject, verb, thing = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)
    words = f"{subject} {verb} {thing}"
    roll = rng.random()
    if roll < 0.15:
        words = f"{subject} -- {rng.choice(ASIDES)} -- {verb} {thing}"
    elif roll < 0.25:
        words += f", {rng.choice(ASIDES)}"
    elif roll < 0.32:
        words = f'"{words.capitalize()}," a client told us'
    elif roll < 0.38:
        words += "..."
    elif roll < 0.44:
        words += f" & {rng.choice(OBJECTS)}"
    return words[0].upper() + words[1:]


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng).rstrip(".") + "." for _ in range(sentences))


def _slug(index: int) -> str:
    return f"bench-post-{index:04d}"


def _post(rng: random.Random, index: int, count: int, start: datetime) -> str:
    title_words = rng.sample(TITLE_WORDS, 3)
    title = rng.choice(
        [
            f"{title_words[0]}, {title_words[1].lower()} & {title_words[2].lower()}",
            f'The "{title_words[0].lower()}" question -- {title_words[1].lower()} {index}',
            f"What we've learned about {title_words[0].lower()} ({index})",
            f"{title_words[0]} {index}: it's not about the camera...",
        ]
    )
    date = start + timedelta(hours=index * 17 + rng.randrange(0, 12))
    image = rng.randrange(IMAGE_COUNT)
    tags = ", ".join(rng.sample(TAGS, rng.randint(2, 4)))
    summary = _paragraph(rng, 2)
    lines = [
        f"Title: {title}",
        f"Date: {date:%Y-%m-%d %H:%M}",
        f"Category: {rng.choice(CATEGORIES)}",
        f"Tags: {tags}",
        f"Slug: {_slug(index)}",
        f"Author: {rng.choice(AUTHORS)}",
        f"Summary: {summary}",
        f"Image: images/bench/photo-{image}.jpg",
        f"Image_alt: A studio portrait, number {image}, lit from the left.",
        "",
        _paragraph(rng, 9),
        "",
    ]
    others = [i for i in range(count) if i != index] or [index]
    for section, heading in enumerate(rng.sample(HEADINGS, 5)):
        lines += [f"## {heading}", "", _paragraph(rng, 11), ""]
        if section == 0:
            lines += [f"- {_sentence(rng)}" for _ in range(5)] + [""]
        elif section == 1:
            other = rng.choice(others)
            lines += [
                f"{_paragraph(rng, 2)} We wrote about this in "
                f"[an earlier post]({{filename}}/blog/{_slug(other)}.md), and "
                f"[the Portland light](https://en.wikipedia.org/wiki/Portland,_Oregon) "
                f"does the rest. {_paragraph(rng, 2)}",
                "",
                f"![A portrait from a session, lit softly]"
                f"({{static}}/images/bench/photo-{rng.randrange(IMAGE_COUNT)}.jpg)",
                "",
            ]
        elif section == 2:
            lines += [f"> {rng.choice(QUOTES)}", "", _paragraph(rng, 8), ""]
            lines += [f"{n}. {_sentence(rng)}" for n in range(1, 5)] + [""]
        elif section == 3 and index % COMPARE_EVERY == 0:
            before, after = rng.sample(range(IMAGE_COUNT), 2)
            lines += [
                "/// compare | The same portrait, edited by an app and by hand",
                f"before: images/bench/photo-{before}.jpg",
                "before_alt: The portrait after an AI app's edit, smoothed skin, another smile",
                f"after: images/bench/photo-{after}.jpg",
                "after_alt: The same portrait retouched by hand, natural skin and the real smile",
                "///",
                "",
            ]
        else:
            lines += [_paragraph(rng, 10), ""]
    lines += [
        "## In short",
        "",
        f"{_paragraph(rng, 4)} **{_sentence(rng)}.** If you'd like to talk it through, "
        "[book a free consultation]({filename}/pages/book-a-consultation.md).",
        "",
    ]
    return "\n".join(lines)


PAGES = {
    "about": "About the studio",
    "headshots": "Headshots",
    "book-a-consultation": "Book a consultation",
    "privacy": "Privacy",
}


def _page(rng: random.Random, slug: str, title: str) -> str:
    body = "\n\n".join(_paragraph(rng, 6) for _ in range(4))
    return f"Title: {title}\nSlug: {slug}\nSummary: {_paragraph(rng, 1)}\n\n{body}\n"


def _write_images(folder: Path, seed: int) -> None:
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)  # noqa: S311 (a repeatable corpus, not a secret)
    for number in range(IMAGE_COUNT):
        image = Image.new("RGB", (1200, 800), tuple(rng.randrange(60, 200) for _ in range(3)))
        draw = ImageDraw.Draw(image)
        for _ in range(12):
            x, y = rng.randrange(1200), rng.randrange(800)
            radius = rng.randrange(40, 260)
            colour = tuple(rng.randrange(256) for _ in range(3))
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
        image.save(folder / f"photo-{number}.jpg", quality=70, optimize=True)


def write_corpus(out: Path = DEFAULT_OUT, posts: int = 1000, seed: int = 2024) -> Path:
    """Write ``posts`` posts, the pages and the images into ``out`` (replaced if present)."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    rng = random.Random(seed)  # noqa: S311 (a repeatable corpus, not a secret)
    blog, pages = out / "blog", out / "pages"
    blog.mkdir(parents=True)
    pages.mkdir()
    start = datetime(2019, 1, 7, 9, 0)
    for index in range(posts):
        text = _post(rng, index, posts, start)
        (blog / f"{_slug(index)}.md").write_text(text, encoding="utf-8")
    for slug, title in PAGES.items():
        (pages / f"{slug}.md").write_text(_page(rng, slug, title), encoding="utf-8")
    _write_images(out / "images" / "bench", seed)
    _write_portfolio(out)
    return out


STUDIO_PHOTOS = Path(__file__).resolve().parent.parent / "content" / "images" / "portfolio"
PORTFOLIO = ("mei.jpg", "amara.jpg")  # STUDIO["hero"] and STUDIO["image"] in pelicanconf.py


def _write_portfolio(out: Path) -> None:
    folder = out / "images" / "portfolio"
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for name in PORTFOLIO:
        shutil.copyfile(STUDIO_PHOTOS / name, folder / name)
        entries.append(f"  - src: {name}\n    alt: A studio portrait from the sample portfolio\n")
    (folder / "gallery.yaml").write_text("images:\n" + "".join(entries), encoding="utf-8")
    (out / "pages" / "portfolio.md").write_text(
        "Title: Portfolio\nSlug: portfolio\nSummary: Portraits from the studio.\n\n"
        "/// gallery | Portfolio\nfolder: images/portfolio\n///\n",
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    out = write_corpus(args.out, args.posts, args.seed)
    print(f"Wrote {args.posts} posts and {len(PAGES)} pages to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
