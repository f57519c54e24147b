from .search import index_site, register

__all__ = ["index_site", "register"]
