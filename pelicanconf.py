"""Development settings for the kp studios site.

Everything studio-specific (contact details, the consultation offer, the newsletter form)
lives in the one ``STUDIO`` dict below. It is parsed and checked once, by
``kp_common.settings``; templates and plugins read the parsed values, never this dict.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent

AUTHOR = "kp studios"
SITENAME = "kp studios"
SITEURL = ""
SITE_DESCRIPTION = (
    "Portrait and headshot photography in Portland, Oregon: real photographs of real people, "
    "retouched by hand, never by a face-swapping app."
)

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "America/Los_Angeles"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%B %-d, %Y"

ARTICLE_PATHS = ["blog"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "video", "extra"]
EXTRA_PATH_METADATA = {
    "extra/favicon.ico": {"path": "favicon.ico"},
}
# The images folder carries a licence note for people, not for readers; YAML files are data
# for plugins (gallery alt text, testimonials, packages), never published.
IGNORE_FILES = [".#*", "LICENSE.md", "*.yaml", "*.yml"]

# Clean URLs: /blog/<slug>/ for posts, /<slug>/ for pages.
ARTICLE_URL = "blog/{slug}/"
ARTICLE_SAVE_AS = "blog/{slug}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "blog/category/{slug}/"
CATEGORY_SAVE_AS = "blog/category/{slug}/index.html"
TAG_URL = "blog/tag/{slug}/"
TAG_SAVE_AS = "blog/tag/{slug}/index.html"
AUTHOR_URL = "blog/author/{slug}/"
AUTHOR_SAVE_AS = "blog/author/{slug}/index.html"
INDEX_URL = "blog/"
INDEX_SAVE_AS = "blog/index.html"
HOME_SAVE_AS = "index.html"
ARCHIVES_URL = "blog/archives/"
ARCHIVES_SAVE_AS = "blog/archives/index.html"
CATEGORIES_URL = "blog/categories/"
CATEGORIES_SAVE_AS = "blog/categories/index.html"
TAGS_URL = "blog/tags/"
TAGS_SAVE_AS = "blog/tags/index.html"
AUTHORS_URL = "blog/authors/"
AUTHORS_SAVE_AS = "blog/authors/index.html"
NOT_FOUND_SAVE_AS = "404.html"
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""

DIRECT_TEMPLATES = [
    "home",
    "index",
    "categories",
    "tags",
    "authors",
    "archives",
    "not_found",
    "search",
]
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}
DEFAULT_PAGINATION = 10
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Typography: curly quotes, dashes, ellipses and no widows. The kp_typography plugin does
# it in Pelican's place: typogrify's result, byte for byte, at a fraction of its cost.
TYPOGRIFY = True
# Dates and code are not prose; the JSON-LD block must keep straight quotes.
TYPOGRIFY_IGNORE_TAGS = ["pre", "code", "script", "kbd", "time"]

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}

# Feeds are a production concern (publishconf.py): absolute URLs need SITEURL.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "kp_theme",  # parses our settings once; the theme's values and its one URL helper
    "kp_assets",
    "kp_studio",  # author blocks (compare, consultation, video)
    "kp_typography",
    # What readers get on every post (issue #5), one concern per plugin:
    "kp_images",  # responsive AVIF/WebP/JPEG derivatives, cached in cache/kp_images
    "kp_seo",  # title, description, canonical, Open Graph, JSON-LD, robots.txt
    "kp_related",  # reading time, previous/next, related posts
    "kp_search",  # Pagefind index over the built site
    "pelican.plugins.sitemap",
    "kp_redirects",  # old addresses (content/data/redirects.yaml): _redirects and stub pages
    # kp_validate last: it checks what the other plugins produced (rendered blocks).
    "kp_validate",
]
SITEMAP = {
    "format": "xml",
    "priorities": {"articles": 0.7, "indexes": 0.5, "pages": 0.6},
    "changefreqs": {"articles": "monthly", "indexes": "weekly", "pages": "monthly"},
    "exclude": ["^404\\.html$", "^search/", "^blog/tag/", "^blog/author/", "^blog/page/"],
}

# Jinja: escape everything an author writes unless a template says otherwise.
JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}

# Off for plain Pelican runs (tests); the build driver (sitetools.build) turns the content
# cache on, in a folder keyed by settings, plugins and library versions.
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

STUDIO = {
    "name": "kp studios",
    "tagline": "Headshots that look like you, on your best day.",
    "promise": (
        "Real portraits, lit and directed by a photographer and retouched by hand. "
        "No face swaps, no AI guesswork, no surprises."
    ),
    "url": "https://kpstudios.example",
    # The home page's hero photograph (a path inside content/) and its alt text.
    "hero": {
        "image": "images/portfolio/mei.jpg",
        "alt": (
            "Illustrated sample portrait of a woman with long black hair, in a black blazer "
            "and white shirt, against a pale grey backdrop"
        ),
    },
    # The preview image of every page without its own Image (links posted on LinkedIn, in
    # a message...): kp_images makes the derivative that og:image names.
    "image": "images/portfolio/amara.jpg",
    "image_alt": (
        "Illustrated sample portrait of a woman with a high bun, in a rust-red top, against a "
        "warm beige backdrop"
    ),
    # The home page's portfolio strip: the first photos of the gallery on this page.
    "portfolio": {"url": "/portfolio/", "photos": 4},
    "consultation": {
        "url": "/book-a-consultation/",
        "label": "Schedule a free consultation",
        "headline": "Ready for a headshot that looks like you?",
        "text": (
            "Tell us what you need it for and we will plan the session with you: "
            "wardrobe, backdrop, retouching, delivery."
        ),
        "session_length": "free 15-minute consultation",
        "phone": "+1 503 555 0142",
        "email": "hello@kpstudios.example",
    },
    "newsletter": {
        "action": "https://kpstudios.us21.list-manage.com/subscribe/post?u=0a1b2c3d4e5f&id=6a7b8c9d0e",
        "honeypot": "b_0a1b2c3d4e5f_6a7b8c9d0e",
    },
    "contact": {"phone": "+1 503 555 0142", "email": "hello@kpstudios.example"},
    "address": {
        "street": "214 Larkin Street, Suite 3",
        "locality": "Portland",
        "region": "OR",
        "postal_code": "97204",
        "country": "US",
    },
    "opening_hours": [
        {
            "label": "Monday–Friday",
            "days": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
            "opens": "09:00",
            "closes": "18:00",
        },
        {"label": "Saturday", "days": ["Saturday"], "opens": "10:00", "closes": "14:00"},
    ],
    "social": [
        {"name": "Instagram", "url": "https://www.instagram.com/kpstudios.example/"},
        {"name": "LinkedIn", "url": "https://www.linkedin.com/company/kpstudios-example/"},
        {"name": "Facebook", "url": "https://www.facebook.com/kpstudios.example/"},
    ],
    "services": [
        {
            "name": "Professional headshots",
            "text": (
                "For LinkedIn, your website and press: one look or three, "
                "directed and retouched by hand."
            ),
        },
        {
            "name": "Team and corporate days",
            "text": "We bring the studio to your office and match every portrait to your brand.",
        },
        {
            "name": "Personal branding portraits",
            "text": (
                "A story in pictures for founders, coaches and creatives: studio and on location."
            ),
        },
    ],
}

# The menu in the header; the consultation button is added by the theme from STUDIO.
MENU_ITEMS = [
    ("Headshots", "/headshots/"),
    ("Portfolio", "/portfolio/"),
    ("Blog", "/blog/"),
    ("About", "/about/"),
]
DISPLAY_PAGES_ON_MENU = False
DISPLAY_CATEGORIES_ON_MENU = False
