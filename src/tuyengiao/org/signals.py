"""What org tells the apps built on it, without importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction of a reorganisation, before anything changes (kwargs: ``day`` and
# ``units``: the ids of the units that close or move). Owners of figures kept per ancestor take
# out what these units carry while the tree still stands as it did.
tree_changing = Signal()

# Sent inside the transaction of a reorganisation, after the tree, its history and the successions
# have changed (kwargs: ``day``). Figures kept per ancestor are recomputed by their owners.
tree_changed = Signal()
