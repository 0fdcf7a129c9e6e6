"""What org tells the apps built on it, without importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction of a reorganisation, after the tree, its history and the successions
# have changed (kwargs: ``day``). Figures kept per ancestor are recomputed by their owners.
tree_changed = Signal()
