"""The web app: the SPARQL 1.1 endpoint, the Graph Store (read), the dumps, the UI and
linked-data pages. ``create_app`` is the factory (see :mod:`.app`); ``sco-kg serve`` runs it
under waitress (see :mod:`.command`)."""

from __future__ import annotations


def create_app(config=None):
    from .app import create_app as factory

    return factory(config)


__all__ = ["create_app"]
