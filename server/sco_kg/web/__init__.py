"""The web app: the SPARQL 1.1 endpoint, the Graph Store (read), the dumps, the UI and
linked-data pages. ``create_app`` is the factory (see :mod:`.app`); ``sco-kg serve`` runs it
under waitress (see :mod:`sco_kg.cli.serve`). Nothing happens at import time."""

from __future__ import annotations


def create_app(config=None):
    # Flask and the app are imported when an app is made: every sco-kg command reads
    # sco_kg.web.limits (the settings table), and must not pay for Flask
    from .app import create_app as factory

    return factory(config)


__all__ = ["create_app"]
