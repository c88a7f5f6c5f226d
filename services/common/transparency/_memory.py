"""An in-memory log keeping perfect-subtree hashes, as a database table would."""

from collections.abc import Iterable

from services.common.transparency._hashing import leaf_hash
from services.common.transparency._subtrees import (
    append_leaves,
    consistency_proof,
    inclusion_proof,
    root_hash,
)


class MemoryTree:
    """An append-only Merkle log held in memory.

    Keeps one list of perfect-subtree hashes per level, the same rows a
    database table keyed by (level, index) holds, and implements
    `SubtreeHashes` so the generic proof functions run on it unchanged.
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = []
        self.extend(leaf_hashes)

    @property
    def size(self) -> int:
        """Number of leaves appended so far."""
        return len(self._levels[0]) if self._levels else 0

    def perfect_subtree(self, level: int, index: int) -> bytes:
        """Return the hash of node (level, index); KeyError if not complete."""
        if level < 0 or index < 0 or level >= len(self._levels):
            raise KeyError((level, index))
        nodes = self._levels[level]
        if index >= len(nodes):
            raise KeyError((level, index))
        return nodes[index]

    def append_data(self, data: bytes) -> int:
        """Append one entry by its bytes; return its leaf index."""
        return self.append(leaf_hash(data))

    def append(self, leaf: bytes) -> int:
        """Append one leaf hash; return its leaf index."""
        index = self.size
        self.extend([leaf])
        return index

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append leaf hashes in order, storing every completed subtree."""
        result = append_leaves(self.size, leaf_hashes, self)
        for node in result.nodes:
            if node.level == len(self._levels):
                self._levels.append([])
            nodes = self._levels[node.level]
            # Nodes complete in index order on each level; anything else
            # means the append logic and the storage disagree.
            if node.index != len(nodes):
                raise AssertionError(f"node {node.level}/{node.index} out of order")
            nodes.append(node.hash)

    def root(self, size: int | None = None) -> bytes:
        """Return the root of the first `size` leaves (default: all)."""
        return root_hash(self._checked_size(size), self)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Return the audit path of leaf `index` in the tree of `size` leaves."""
        return inclusion_proof(index, self._checked_size(size), self)

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        """Return the consistency proof from `size1` leaves to `size2` leaves."""
        return consistency_proof(size1, self._checked_size(size2), self)

    def _checked_size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise ValueError(f"tree size {size} is outside 0..{self.size}")
        return size
