from .newsletter import NewsletterForm, newsletter_form, register

__all__ = ["NewsletterForm", "newsletter_form", "register"]
