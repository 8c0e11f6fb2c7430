"""Scrapy settings: only what differs from Scrapy's defaults, each with its reason.

Defaults are polite for the real site. A crawl of a replica on loopback lifts the throttle
(see BelarusInFocusSpider.from_crawler); ``-s NAME=VALUE`` overrides anything here.
"""

from archiver import __version__

BOT_NAME = "archiver"
SPIDER_MODULES = ["archiver.spiders"]
NEWSPIDER_MODULE = "archiver.spiders"

# Say who we are and how to reach us: a research archive, not a stealth scraper.
USER_AGENT = (
    f"archiver/{__version__} (research archive of belarusinfocus.info; "
    "+https://github.com/archiver-project/archiver)"
)
# Scrapy's default is False; the site's robots.txt is the site's wish.
ROBOTSTXT_OBEY = True
# Scrapy's default is 16 (8 per domain): two at a time is enough for a weekly-published site.
CONCURRENT_REQUESTS = 2
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Scrapy starts CONCURRENT_ITEMS (default 100) asyncio tasks for the output of every callback; an
# article page yields one item and the pipelines are synchronous, so 100 tasks per page are waste.
CONCURRENT_ITEMS = 4
# Start at one second between requests and let AutoThrottle adapt to the server's latency.
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# Retry transient failures a little more than Scrapy's 2, including 429 (Too Many Requests),
# and wait before each retry (archiver.middlewares: backoff, or the server's Retry-After).
RETRY_TIMES = 3
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "archiver.middlewares.BackoffRetryMiddleware": 550,  # where Scrapy's RetryMiddleware sits
    # every request, redirect targets included, must be a page of the site (Scrapy's offsite
    # check skips dont_filter requests); before RedirectMiddleware (600) hands back its targets
    "archiver.middlewares.ScopeMiddleware": 45,
}
# A page larger than this is not an article: refuse it rather than fill memory (Scrapy: 1 GiB).
# Article pages are about 50 KB; warn at 2 MiB (Scrapy: 32 MiB); sitemaps: ARCHIVER_SITEMAP_WARNSIZE.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# A chain longer than this is a loop or a misconfiguration (Scrapy follows 20).
REDIRECT_MAX_TIMES = 5
DOWNLOAD_TIMEOUT = 60  # Scrapy's 180 s is long for a small site
# Scrapy logs DEBUG by default: every request. Progress comes from archiver.progress instead.
LOG_LEVEL = "INFO"
# Keep the output UTF-8 for any feed export a user adds.
FEED_EXPORT_ENCODING = "utf-8"

# Normalise, then validate, then store (a rejected item is stored as a reject).
ITEM_PIPELINES = {
    "archiver.pipelines.NormalisePipeline": 100,
    "archiver.pipelines.ValidatePipeline": 200,
    "archiver.pipelines.StorePipeline": 900,
}
EXTENSIONS = {
    # the run: lock, plan, crawl_runs row, failures, exit code (the spider opts in: ARCHIVER_RUN)
    "archiver.run.RunLifecycle": 100,
    "archiver.progress.Progress": 500,  # pages, totals, rate, ETA and items while the crawl runs
}

# --- archiver's own settings ---
ARCHIVER_DB = "data/archive.db"  # the SQLite archive (created with its schema if missing)
ARCHIVER_TIMEZONE = "Europe/Minsk"  # the site's timezone for times shown without an offset
ARCHIVER_BATCH_SIZE = 50  # items per write transaction
ARCHIVER_RUN = False  # set by the spider: archiver.run.RunLifecycle owns its run
ARCHIVER_BASE_URL = ""  # set by the spider from its base_url: recorded in crawl_runs.base_url
ARCHIVER_FULL = False  # walk everything (the spider's full=1 sets it)
ARCHIVER_SINCE = ""  # ISO 8601 date or time: nothing older is fetched (the spider's since=)
ARCHIVER_RECHECK_DAYS = 7  # archived articles of this many days are re-checked (archiver.plan)
ARCHIVER_NOW = None  # ISO instant to freeze the clock (tests); None = system clock
ARCHIVER_LOOPBACK_FAST = True  # lift the throttle when base_url is on loopback
ARCHIVER_PROGRESS_INTERVAL = 5.0  # seconds between progress lines; 0 turns them off
ARCHIVER_TEMPLATES: list[str] = []  # the page templates to know (names); empty: every one
ARCHIVER_RETRY_BACKOFF = 0.5  # seconds before the first retry; doubles with each retry
ARCHIVER_RETRY_BACKOFF_MAX = 30.0  # seconds: the longest backoff between two retries
ARCHIVER_RETRY_AFTER_MAX = 120.0  # seconds: a longer Retry-After fails the page for this run
ARCHIVER_MAX_LISTING_PAGES = 2000  # listing pages followed through one pager (a trap's cap)
ARCHIVER_BARREN_PAGES = 2  # consecutive listing pages without a new article that end a pager
# bytes: a sitemap is one file that grows with the site (about 160 bytes an article: 20,000
# articles are 3 MiB, past DOWNLOAD_WARNSIZE on every run); warn only when it nears
# DOWNLOAD_MAXSIZE, which refuses it (sent as the sitemap requests' download_warnsize meta)
ARCHIVER_SITEMAP_WARNSIZE = 6 * 1024 * 1024
