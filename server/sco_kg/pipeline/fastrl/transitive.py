"""The transitive closure of a relation, for prp-trp (a transitive property) and scm-sco /
scm-spo (``rdfs:subClassOf`` and ``rdfs:subPropertyOf`` in the TBox).

Why not the semi-naive join the other rules use: joining each new pair with the whole
relation derives every pair of a chain once per way of splitting it, and the pairs of the
last rounds are the longest. On a chain of 1,000 places in one transitive property (500k
pairs in the closure) fastrl took 88 s, and on a chain of 500 subclasses with 500
instances of the lowest, 22 s. Here the strongly connected components are found
once (Tarjan), and each component's reach is the union of its successors' reaches, visited
nearest first so that a successor already reached costs one lookup: the closure of the
1,000 places takes 0.3 s, and fastrl 1.5 to 2.5 s in all (adding and indexing the 500k
pairs is the rest; ``benchmarks/reasoning.py --chains``); the 500 subclasses, 0.4 s.

Hand-written rather than networkx's ``transitive_closure`` (not a dependency of the
project): the engine's relations are dicts of int sets already, a graph object would copy
them, and the components must come one at a time for the bound.

:func:`reaches` yields the components one at a time, sinks first, so that a caller can
count what it adds and stop (:mod:`.budget`) long before a closure too big is complete.
"""

from __future__ import annotations

from typing import Iterator, Mapping

__all__ = ["reaches", "successors"]

_NONE: frozenset = frozenset()


def successors(pairs) -> dict:
    """node -> the set of its successors, from ``(a, b)`` pairs."""
    out: dict = {}
    for a, b in pairs:
        s = out.get(a)
        if s is None:
            out[a] = {b}
        else:
            s.add(b)
    return out


def reaches(succ: Mapping) -> Iterator[tuple[list, set]]:
    """``(members, reach)`` for each strongly connected component of the graph ``succ``
    (node -> successors), successors before predecessors: ``reach`` is every node reachable
    from the members by one edge or more (the members themselves only on a cycle).

    The reach sets are kept until the end (a component's reach is made from those of its
    successors); a caller must not change them.
    """
    comps, comp_of = _components(succ)
    reach: list[set] = []
    order = comp_of.__getitem__
    for cid, members in enumerate(comps):
        cyclic = len(members) > 1
        nexts = set()
        for v in members:
            for w in succ.get(v, _NONE):
                cw = order(w)
                if cw == cid:
                    cyclic = True  # a loop on one node, or an edge inside the component
                else:
                    nexts.add(cw)
        out: set = set()
        # nearest first: a successor's reach often holds the others' (a closed relation)
        for cw in sorted(nexts, reverse=True):
            successor = comps[cw]
            if successor[0] in out:
                continue  # reached already, with its whole component and reach
            out.update(successor)
            out |= reach[cw]
        if cyclic:
            out.update(members)
        reach.append(out)
        yield members, out


def _components(succ: Mapping) -> tuple[list[list], dict]:
    """Tarjan's strongly connected components, without recursion: the list of components in
    the order they close (every component after those it reaches), and node -> its index."""
    index: dict = {}
    low: dict = {}
    on_stack: set = set()
    stack: list = []
    comps: list[list] = []
    comp_of: dict = {}
    counter = 0
    for root in list(succ):
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(succ.get(root, _NONE)))]
        while work:
            v, edges = work[-1]
            descended = False
            for w in edges:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(succ.get(w, _NONE))))
                    descended = True
                    break
                if w in on_stack and index[w] < low[v]:
                    low[v] = index[w]
            if descended:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[v] < low[parent]:
                    low[parent] = low[v]
            if low[v] == index[v]:
                members = []
                cid = len(comps)
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp_of[w] = cid
                    members.append(w)
                    if w == v:
                        break
                comps.append(members)
    return comps, comp_of
