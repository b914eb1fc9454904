"""Cycles through assemblies' ``bom`` entries.

Codes: CTB401 a BOM cycle, CTB402 a part listing itself in its own bom.

Enumerating every elementary cycle can take exponential time, so cycles are
found per strongly connected group of parts (Tarjan, linear time): each
group is reported once, at its smallest part id, with the shortest cycle
from that part back to itself (``a → b → c → a``).  Fixing it and checking
again shows any other cycle left in the same group.
"""

from __future__ import annotations

from collections import deque

from ctb_files.checks import check
from ctb_files.checks._support import error
from ctb_files.core import paths as layout
from ctb_files.core.models.inventory import Inventory
from ctb_files.errors import Diagnostic

Graph = dict[str, list[str]]


def _graph(inv: Inventory) -> Graph:
    """Assembly -> its distinct children that are loaded parts (self-loops left out).

    Only assemblies are nodes: a part without a ``bom`` has no way back out,
    so it can never be on a cycle (and most parts have none).
    """
    graph: Graph = {}
    for part_id in sorted(part_id for part_id, part in inv.parts.items() if part.bom):
        children = {line.part for line in inv.parts[part_id].bom or () if line.part in inv.parts}
        children.discard(part_id)
        graph[part_id] = sorted(children)
    return graph


def strongly_connected(graph: Graph) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively (deep BOMs need no recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child_pos = work.pop()
            if child_pos == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = graph.get(node, [])
            if child_pos < len(children):
                work.append((node, child_pos + 1))
                child = children[child_pos]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                group: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                groups.append(group)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return groups


def _shortest_cycle(graph: Graph, start: str, members: set[str]) -> list[str]:
    """The shortest path from ``start`` back to itself inside ``members`` (BFS)."""
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in graph[node]:
            if child not in members:
                continue
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [start, *reversed(path[:-1]), start] if node != start else [start, start]
            if child not in came_from:
                came_from[child] = node
                queue.append(child)
    return [start, start]  # unreachable for a real group


@check("bom-cycles")
def bom_cycles(inv: Inventory) -> list[Diagnostic]:
    """One error per group of assemblies that contain each other."""
    graph = _graph(inv)
    out: list[Diagnostic] = []
    for group in strongly_connected(graph):
        if len(group) < 2:
            continue
        cycle = _shortest_cycle(graph, min(group), set(group))
        start, following = cycle[0], cycle[1]
        bom = inv.parts[start].bom or []
        at = next(i for i, line in enumerate(bom) if line.part == following)
        message = "BOM cycle: " + " → ".join(cycle)
        out.append(error(layout.part_path(start), "CTB401", message, ("bom", at, "part")))
    return out


@check("bom-self")
def bom_self(inv: Inventory) -> list[Diagnostic]:
    """A part listing itself as its own child."""
    out: list[Diagnostic] = []
    for part_id in sorted(inv.parts):
        for i, line in enumerate(inv.parts[part_id].bom or ()):
            if line.part == part_id:
                message = f"{part_id!r} lists itself in its bom"
                out.append(error(layout.part_path(part_id), "CTB402", message, ("bom", i, "part")))
    return out
