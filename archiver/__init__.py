"""archiver: a Scrapy crawler that keeps a SQLite archive of Belarus in Focus analyses."""

__version__ = "0.1.0"
