from .images import ImageSet, ResponsiveImages, register

__all__ = ["ImageSet", "ResponsiveImages", "register"]
