from .jsonld import dumps_for_script
from .seo import SeoData, register, seo_data

__all__ = ["SeoData", "dumps_for_script", "register", "seo_data"]
