"""The demo province "Long Sơn" and its records, one module per domain.

``manage.py load_demo`` calls ``load(stdout)`` of each module named in ``DOMAINS``, in that order:
later domains build on earlier ones (the tree first, then the figures, the registry, the events
the campaigns count). A module is named after the label of the app whose records it makes, and
the app's name heads its lines in the output. Adding a domain is one module here and one name below.
"""

DOMAINS: tuple[str, ...] = (
    "org", "reporting", "documents", "events", "campaigns",
    "training", "outreach", "plans", "opinion", "history", "emulation", "inspections", "handbook",
    "reviews",  # last: its reports read every other domain's figures
)
