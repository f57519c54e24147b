from .search import build_index, register, wait_for_background_index

__all__ = ["build_index", "register", "wait_for_background_index"]
