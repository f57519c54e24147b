from .assets import register

__all__ = ["register"]
