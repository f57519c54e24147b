"""WordPress exports (WXR 1.2) and uploads backups, written at test time.

``studio_export`` is a small blog like the studio's: the reference post at its real old
address with a YouTube iframe, a featured image, a captioned photo and a gallery, plus
drafts, a private and a pending post, a page, Vimeo through ``[embed]``, a bare YouTube URL,
a map iframe, a script, an image without alt text, one missing from the backup, an image
hot-linked from another site, special characters and an over-long slug.

``theme_unit_export`` reproduces the classes of edge cases of WordPress's public theme unit
test export (``themeunittestdata.wordpress.xml``, which we may not commit: see the README),
each written here from scratch: many categories on one post (Pelican's importer joins them
with commas), a category name far longer than a file name, an empty post, a post without a
title, ``style=`` attributes everywhere, images without alt text, block-editor markup and
embed blocks, a password-protected and a scheduled post, Greek percent-encoded page slugs,
a parent/child page address, and menu items (not posts).

The uploads backup holds camera-sized JPEGs with EXIF, in WordPress's layout: each upload
beside the sizes WordPress made of it (``photo-1024x683.jpg``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw

SITE = "https://kpstudios-old.example"


@dataclass
class Post:
    id: int
    title: str
    html: str
    slug: str = ""
    status: str = "publish"
    kind: str = "post"
    date: str = "2023-08-14 09:30:00"
    link: str = ""
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    excerpt: str = ""
    thumbnail: int | None = None
    password: str = ""
    parent: int = 0
    creator: str = "kp"


@dataclass
class Attachment:
    id: int
    file: str  # under wp-content/uploads
    alt: str = ""
    parent: int = 0


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def write_export(path: Path, posts: list[Post], attachments: list[Attachment], extra="") -> Path:
    items = []
    for post in posts:
        link = post.link or f"{SITE}/?p={post.id}"
        cats = "".join(
            f'<category domain="category" nicename="c{i}">{_cdata(c)}</category>'
            for i, c in enumerate(post.categories)
        )
        tags = "".join(
            f'<category domain="post_tag" nicename="t{i}">{_cdata(t)}</category>'
            for i, t in enumerate(post.tags)
        )
        meta = ""
        if post.thumbnail:
            meta = (
                "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
                f"<wp:meta_value>{post.thumbnail}</wp:meta_value></wp:postmeta>"
            )
        items.append(
            f"""<item>
<title>{escape(post.title)}</title>
<link>{escape(link)}</link>
<dc:creator>{_cdata(post.creator)}</dc:creator>
<content:encoded>{_cdata(post.html)}</content:encoded>
<excerpt:encoded>{_cdata(post.excerpt)}</excerpt:encoded>
<wp:post_id>{post.id}</wp:post_id>
<wp:post_date>{post.date}</wp:post_date>
<wp:post_modified>{post.date}</wp:post_modified>
<wp:post_name>{_cdata(post.slug)}</wp:post_name>
<wp:status>{post.status}</wp:status>
<wp:post_parent>{post.parent}</wp:post_parent>
<wp:post_type>{post.kind}</wp:post_type>
<wp:post_password>{_cdata(post.password)}</wp:post_password>
<wp:is_sticky>0</wp:is_sticky>
{cats}{tags}{meta}
</item>"""
        )
    for attachment in attachments:
        items.append(
            f"""<item>
<title>{escape(Path(attachment.file).stem)}</title>
<link>{SITE}/?attachment_id={attachment.id}</link>
<dc:creator>{_cdata("kp")}</dc:creator>
<content:encoded>{_cdata("")}</content:encoded>
<excerpt:encoded>{_cdata("")}</excerpt:encoded>
<wp:post_id>{attachment.id}</wp:post_id>
<wp:post_date>2023-08-01 10:00:00</wp:post_date>
<wp:post_name>{_cdata(Path(attachment.file).stem)}</wp:post_name>
<wp:status>inherit</wp:status>
<wp:post_parent>{attachment.parent}</wp:post_parent>
<wp:post_type>attachment</wp:post_type>
<wp:attachment_url>{SITE}/wp-content/uploads/{attachment.file}</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>
<wp:meta_value>{_cdata(attachment.file)}</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>
<wp:meta_value>{_cdata(attachment.alt)}</wp:meta_value></wp:postmeta>
</item>"""
        )
    path.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>kp studios</title>
<link>{SITE}</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login>{_cdata("kp")}</wp:author_login>
<wp:author_display_name>{_cdata("kp studios")}</wp:author_display_name></wp:author>
{extra}
{"".join(items)}
</channel>
</rss>
""",
        encoding="utf-8",
    )
    return path


def camera_jpeg(size: tuple[int, int], seed: int) -> bytes:
    """A photo-like JPEG with camera EXIF (make, model, date)."""
    image = Image.new("RGB", size, (120 + seed * 9 % 100, 110, 100))
    draw = ImageDraw.Draw(image)
    for i in range(12):
        x = (seed * 37 + i * 97) % size[0]
        draw.ellipse(
            (x, i * size[1] // 14, x + size[0] // 5, i * size[1] // 14 + size[1] // 6),
            fill=(200 - i * 9, 90 + i * 7, 60 + seed % 50),
        )
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = "Canon", "EOS R6", "2023:08:01 10:00:00"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, exif=exif)
    return out.getvalue()


def write_uploads(folder: Path, files: dict[str, tuple[int, int]]) -> Path:
    for index, (relative, size) in enumerate(sorted(files.items())):
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(camera_jpeg(size, index + 1))
    return folder


UP = f"{SITE}/wp-content/uploads"


def studio_export(folder: Path) -> tuple[Path, Path]:
    """The studio-like export and its uploads backup; returns (export, uploads)."""
    uploads = write_uploads(
        folder / "uploads",
        {
            "2023/08/studio-lead.jpg": (3000, 2000),  # featured image, camera size
            "2023/08/dana-session.jpg": (2400, 1600),  # original only: the sized copy is made
            "2023/08/team-1.jpg": (1600, 1067),
            "2023/08/team-2.jpg": (1600, 1067),
            "2023/08/team-2-1024x683.jpg": (1024, 683),
            "2023/08/no-alt-1024x683.jpg": (1024, 683),
            "2023/09/Café Portrait (1).jpg": (1200, 800),  # spaces, brackets, accent
        },
    )
    attachments = [
        Attachment(201, "2023/08/studio-lead.jpg", "The studio's grey backdrop and two softboxes"),
        Attachment(202, "2023/08/dana-session.jpg", "Dana laughing during her session"),
        Attachment(203, "2023/08/team-1.jpg", "Priya at her desk, window light", parent=101),
        Attachment(204, "2023/08/team-2.jpg", "Tom in a navy jacket", parent=101),
        Attachment(205, "2023/08/no-alt.jpg", ""),
        Attachment(206, "2023/09/Café Portrait (1).jpg", "Inès in the café, smiling"),
    ]
    reference = (
        "Hi Friends,\n\n"
        "In an age where technology is transforming every facet of our lives, deciding how to "
        "create the perfect headshot has become a multi-faceted choice. Let's dive in.\n\n"
        '<p style="text-align:center" class="has-text-align-center">AI works best on '
        "<strong>landscapes</strong> &amp; everyday objects.</p>\n\n"
        '<iframe title="AI-Generated Photoshop Edits" width="560" height="315" '
        'src="https://www.youtube.com/embed/dQw4w9WgXcQ?feature=oembed" frameborder="0" '
        "allowfullscreen></iframe>\n\n"
        '[caption id="attachment_202" align="alignright" width="1024"]'
        f'<img class="size-large wp-image-202" src="{UP}/2023/08/dana-session-1024x683.jpg" '
        'alt="" width="1024" height="683" /> Dana, halfway through her session[/caption]\n\n'
        "<h2>AI-Generated Headshots: The Pros and Cons</h2>\n"
        "<ol>\n<li>Efficiency: upload 10-20 pictures.</li>\n<li>Convenience.</li>\n</ol>\n\n"
        '[gallery ids="203,204"]\n\n'
        f'Read <a href="{SITE}/2023/09/02/what-to-wear/">what to wear</a> too.\n\n'
        "If you want to chat, schedule a free 15-minute consultation.\n"
    )
    posts = [
        Post(
            101,
            "Navigating the Choice: AI-Generate Headshots vs. Professional Photographer",
            reference,
            slug="navigating-the-choice",
            link=f"{SITE}/2023/08/14/navigating-the-choice/",
            categories=["Headshots", "AI", "Uncategorized"],
            tags=["ai", "headshots"],
            thumbnail=201,
        ),
        Post(
            102,
            "What to wear — “colours” & fabrics",
            "<p>Solid colours beat patterns.</p>\n\n"
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ\n\n"
            "[embed]https://vimeo.com/76979871[/embed]\n\n"
            f'<p><img src="{UP}/2023/09/Café Portrait (1).jpg" alt="" class="alignleft" '
            'style="float:left" /> Necklines that flatter.</p>',
            slug="what-to-wear",
            date="2023-09-02 11:00:00",
            link=f"{SITE}/2023/09/02/what-to-wear/",
            categories=["Session tips"],
            excerpt="Colours, necklines & fabrics that photograph well.",
        ),
        Post(
            103,
            "Where to find us",
            "<p>We are downtown.</p>\n"
            '<iframe src="https://www.google.com/maps/embed?pb=x" width="600"></iframe>\n'
            "<script>alert(1)</script>\n<p>Parking is free.</p>",
            slug="where-to-find-us",
            date="2023-10-01 09:00:00",
            link=f"{SITE}/2023/10/01/where-to-find-us/",
            categories=["News"],
        ),
        Post(
            104,
            "Team day with Northwind",
            f'<p>Our team day.</p>\n<img src="{UP}/2023/08/no-alt-1024x683.jpg" alt="" '
            'class="wp-image-205" />\n'
            f'<p><img src="{UP}/2023/07/gone.jpg" alt="A photo no backup kept" /></p>\n'
            '<p><img src="https://images.example.net/hotlinked.jpg" alt="Hot-linked" /></p>',
            slug="team-day-" + "northwind-" * 25 + "portland",
            date="2023-10-05 09:00:00",
            link=f"{SITE}/2023/10/05/team-day/",
            categories=["Teams"],
        ),
        Post(105, "Half-written idea", "<p>Notes for later.</p>", status="draft"),
        Post(
            106,
            "Private notes",
            "<p>Only for us.</p>",
            slug="private-notes",
            status="private",
            link=f"{SITE}/2023/10/06/private-notes/",
        ),
        Post(
            107,
            "Awaiting review",
            "<p>Please check.</p>",
            slug="awaiting-review",
            status="pending",
            link=f"{SITE}/?p=107",
        ),
        Post(
            108,
            "Studio policies",
            "<p>Booking, rescheduling &amp; refunds.</p>",
            slug="studio-policies",
            kind="page",
            link=f"{SITE}/studio-policies/",
        ),
    ]
    export = write_export(folder / "studio-export.xml", posts, attachments)
    return export, uploads


LONG_CATEGORY = (
    "A category whose name goes on and on " * 12
).strip()  # its slug alone is longer than a file name may be


def theme_unit_export(folder: Path) -> Path:
    """Edge cases of the kind WordPress's theme unit test export holds (see the docstring)."""
    many = ["Classic", *(f"Child Category {n:02d}" for n in range(1, 40)), "Uncategorized"]
    posts = [
        Post(
            1152,
            "Edge Case: Many Categories",
            "<p>This post has many categories.</p>",
            slug="edge-case-many-categories",
            categories=many,
            link=f"{SITE}/2009/07/02/edge-case-many-categories/",
        ),
        Post(
            1153,
            "Edge Case: Long Category",
            "<p>One very long category.</p>",
            slug="edge-case-long-category",
            categories=[LONG_CATEGORY],
            link=f"{SITE}/2009/07/03/edge-case-long-category/",
        ),
        Post(
            1170,
            "Edge Case: No Content",
            " ",
            slug="edge-case-no-content",
            categories=["Edge Case"],
            link=f"{SITE}/2009/08/06/edge-case-no-content/",
        ),
        Post(
            1169,
            "",
            "This post has no title, but it still must link to the post.",
            slug="edge-case-no-title",
            categories=["Edge Case"],
            link=f"{SITE}/2009/09/05/edge-case-no-title/",
        ),
        Post(
            1176,
            "Markup: Text Alignment",
            '<p style="text-align:left;">Left aligned text.</p>\n'
            '<p style="text-align:center;">Centred <span style="color:#f00">red</span>.</p>\n'
            '<table style="width:100%"><tr><td colspan="2" style="x">a</td></tr>'
            "<tr><td>b</td><td>c</td></tr></table>",
            slug="markup-text-alignment",
            categories=["Markup"],
            link=f"{SITE}/2013/01/09/markup-text-alignment/",
        ),
        Post(
            1177,
            "Markup: Image Alignment",
            f'<p><img class="size-full wp-image-906 aligncenter" src="{UP}/2013/03/'
            'image-alignment-580x300.jpg" width="580" height="300" /></p>\n'
            "<p>The image above happens to be centred.</p>",
            slug="markup-image-alignment",
            categories=["Markup"],
            tags=["alignment", "!!!"],
            link=f"{SITE}/2013/01/10/markup-image-alignment/",
        ),
        Post(
            1738,
            "Block category: Embeds",
            "<!-- wp:paragraph -->\n<p>This post tests embed blocks:</p>\n<!-- /wp:paragraph -->"
            '\n\n<!-- wp:core-embed/youtube -->\n<figure class="wp-block-embed-youtube '
            'wp-block-embed is-type-video is-provider-youtube"><div class="wp-block-embed__'
            'wrapper">\nhttps://youtu.be/ex8fMxXJDJw\n</div><figcaption>A YouTube embed block'
            "</figcaption></figure>\n<!-- /wp:core-embed/youtube -->\n\n"
            '<!-- wp:core-embed/twitter --><figure class="wp-block-embed-twitter wp-block-embed">'
            '<div class="wp-block-embed__wrapper">\nhttps://twitter.com/WordPress/status/1\n'
            "</div></figure><!-- /wp:core-embed/twitter -->",
            slug="blocks-embeds",
            categories=["Block", "Media"],
            link=f"{SITE}/2018/11/02/block-category-embeds/",
        ),
        Post(
            1168,
            'Template: Password Protected (the password is "enter")',
            "<p>This content should not be visible until the password is entered.</p>",
            slug="template-password-protected",
            password="enter",  # noqa: S106 (test data: the theme test post's password)
            categories=["Template"],
            link=f"{SITE}/2012/01/04/template-password-protected/",
        ),
        Post(
            1154,
            "Scheduled",
            "<p>This post is scheduled.</p>",
            slug="scheduled",
            status="future",
            date="2030-01-01 10:00:00",
            categories=["Unpublished"],
            link=f"{SITE}/2030/01/01/scheduled/",
        ),
        Post(
            1809,
            "Ελληνικά-Greek",
            "<p>Καλημέρα κόσμε.</p>",
            slug="greek",
            kind="page",
            link=f"{SITE}/greek/",
        ),
        Post(
            1811,
            "Επίπεδο 2 -Second Greek level",
            "<p>Δεύτερο επίπεδο.</p>",
            slug="%ce%b5%cf%80%ce%af%cf%80%ce%b5%ce%b4%ce%bf-2",
            kind="page",
            parent=1809,
            link=f"{SITE}//greek/%ce%b5%cf%80%ce%af%cf%80%ce%b5%ce%b4%ce%bf-2/",
        ),
        Post(
            155,
            "Page with comments",
            "<p>A child page.</p>",
            slug="page-with-comments",
            kind="page",
            parent=1809,
            link=f"{SITE}/about/page-with-comments/",
        ),
        Post(900, "Home", "", slug="home", kind="nav_menu_item"),
        Post(901, "About", "", slug="about-menu", kind="nav_menu_item"),
    ]
    attachments = [Attachment(906, "2013/03/image-alignment-580x300.jpg", "")]
    return write_export(folder / "theme-unit-export.xml", posts, attachments)
