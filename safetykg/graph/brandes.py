"""Brandes' betweenness from a few source nodes, level by level in numpy.

networkx walks a breadth-first search one node at a time in Python: about 0.2M nodes and edges a
second here, so one source in a national broken-chain graph (a million nodes) took seconds. This
walks a whole BFS level at once over the graph's adjacency arrays (CSR), counting shortest paths
forward and accumulating dependencies backward per level, the same sums as networkx's
`_single_source_shortest_path_basic` and `_accumulate_basic`, in a different order of float additions.

Only the sampled path of `analytics.chain_betweenness` uses it (large components); exact betweenness
of small graphs stays with networkx, which the reference tests compare against.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import networkx as nx
import numpy as np
from numpy.typing import NDArray


class Adjacency:
    """A component's nodes and undirected edges as CSR arrays (node i's neighbours are
    `indices[indptr[i]:indptr[i + 1]]`)."""

    def __init__(self, graph: nx.Graph, nodes: Sequence[Hashable]):
        self.position = {node: i for i, node in enumerate(nodes)}
        position = self.position
        degrees = np.fromiter((len(graph[node]) for node in nodes), dtype=np.int64, count=len(nodes))
        self.nodes = list(nodes)
        self.indptr = np.zeros(len(nodes) + 1, dtype=np.int64)
        np.cumsum(degrees, out=self.indptr[1:])
        self.indices = np.fromiter(
            (position[other] for node in nodes for other in graph[node]), dtype=np.int64, count=int(self.indptr[-1])
        )

    def __len__(self) -> int:
        return len(self.nodes)


def _neighbours(adj: Adjacency, frontier: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Every edge leaving the frontier: (its frontier end, its other end)."""
    starts = adj.indptr[frontier]
    counts = adj.indptr[frontier + 1] - starts
    total = int(counts.sum())
    # positions of the concatenated ranges starts[i] .. starts[i] + counts[i]
    offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(total)
    return np.repeat(frontier, counts), adj.indices[offsets]


def dependencies(adj: Adjacency, sources: Sequence[int]) -> NDArray[np.float64]:
    """Σ over the sources s of δ_s(v), for every node v ≠ s: networkx's raw (unscaled) betweenness sums
    from these sources."""
    size = len(adj)
    total = np.zeros(size)
    for source in sources:
        distance = np.full(size, -1, dtype=np.int64)
        sigma = np.zeros(size)
        distance[source], sigma[source] = 0, 1.0
        frontier = np.array([source], dtype=np.int64)
        levels: list[tuple[NDArray[np.int64], NDArray[np.int64]]] = []  # shortest-path edges, level by level
        depth = 0
        while frontier.size:
            parents, children = _neighbours(adj, frontier)
            fresh = distance[children] < 0
            parents, children = parents[fresh], children[fresh]  # the next level, reached from this one
            if not children.size:
                break
            depth += 1
            reached, which = np.unique(children, return_inverse=True)
            distance[reached] = depth
            sigma[reached] = np.bincount(which, weights=sigma[parents], minlength=reached.size)
            levels.append((parents, children))
            frontier = reached
        delta = np.zeros(size)
        for parents, children in reversed(levels):
            coefficient = (1.0 + delta[children]) / sigma[children]
            tops, which = np.unique(parents, return_inverse=True)
            delta[tops] = sigma[tops] * np.bincount(which, weights=coefficient, minlength=tops.size)
        delta[source] = 0.0
        total += delta
    return total
