"""The endpoint's limits, in one table, and the inspection of a query before it runs.

Closed by default: every limit below is on unless a setting turns it up.

pyoxigraph 0.5.13 (measured): ``Store.query`` has no timeout; it runs ``SERVICE`` against
any host; a query nested ~4,000 brackets deep, a chain of ~8,000 ``+`` or ``UNION`` or
~4,000 ``BIND`` overflows its stack (SIGSEGV). So, before a query is handed to the engine,
:func:`inspect_query` reads it with a small tokenizer that knows SPARQL's strings, IRIs and
comments (so that ``"SERVICE"`` in a literal or ``<...#SERVICE>`` is not a keyword) and:

* refuses ``SERVICE`` (any form, ``SILENT`` included): the endpoint makes no request on
  anyone's behalf;
* refuses every SPARQL Update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ...): read-only;
* refuses ``FROM``/``FROM NAMED`` with a graph that is not in the dataset (a clear 400, not an
  empty graph: a FROM clause naming an outside document is almost always a client that
  expects the server to fetch it, and an empty answer would look like "no results").
  Graphs given by the protocol (``default-graph-uri``/``named-graph-uri``) that are not in
  the dataset are empty graphs, as the protocol allows; they are never fetched either;
* refuses nesting deeper than ``max_depth`` brackets and more than ``max_operators``
  operators or tree-building keywords (so the parser and evaluator stay far from the stack
  limit). The query also runs in a worker process (see :mod:`.executor`): if the engine
  dies anyway, only that worker dies.

The ``<`` ambiguity: ``?a<?b&&?c>?d`` is a comparison to SPARQL but looks like an IRI to a
plain lexer. Inside an expression (parentheses opened by FILTER, BIND, a function, a
projection, ORDER/GROUP BY, HAVING) a ``<`` after an operand is an operator; everywhere
else it opens an IRI. Where the two readings would leave the lexer in different states (the
text between ``<`` and ``>`` holds a quote or ``#``), the query is refused as ambiguous,
so nothing can hide from the inspection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from ..pipeline.reasoning_limits import STRANGERS_MAX_INFERRED, STRANGERS_MAX_INFERRED_PER_TRIPLE
from ..pipeline.validate import DEFAULT_VALIDATOR


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


#: Every limit and setting of the endpoint, with its default (config key: SCO_KG_<NAME>).
SETTINGS: tuple[Setting, ...] = (
    Setting("timeout", 30.0, "Seconds a query may run; then its worker is killed and the client gets 503."),
    Setting("max_rows", 10_000, "Rows (or triples) a result may hold; beyond it the result is cut and says so."),
    Setting("max_request_bytes", 1_048_576, "Largest request body or query accepted (bytes); beyond it 413."),
    Setting("max_depth", 128, "Deepest nesting of (), {}, [] accepted in a query; beyond it 400."),
    Setting("max_operators", 2_000, "Most operators and tree-building keywords in a query; beyond it 400."),
    Setting("workers", 2, "Query worker processes (each one query at a time)."),
    Setting("isolate_network", True, "Run the query workers in an empty network namespace when the OS allows it."),
    Setting("query_max_memory_mb", 2048, "Memory a query may take (MiB) in its worker, above what the worker holds when "
            "it starts (the interpreter and the store, shared with the server); past it the query is stopped and the "
            "client gets 413. 0: no cap."),
    Setting("validate_max_bytes", 524_288, "Largest body POST /validate accepts (bytes; 413 beyond; at most max_request_bytes)."),
    Setting("validate_max_triples", 5_000, "Most triples POST /validate parses; parsing stops past it (413). pySHACL takes ~2-3 s for 5,000; the fast engine 0.16 s for 10,000 (benchmarks/results/run.md)."),
    Setting("validate_timeout", 30.0, "Seconds a validation may run; then its worker is killed and the client gets 503."),
    Setting("validate_workers", 1, "Validation worker processes (validations running at the same time; started on first use)."),
    Setting("max_inferred_per_triple", float(STRANGERS_MAX_INFERRED_PER_TRIPLE),
            "Triples the OWL RL closure of a POST /validate or /data may infer per asserted triple (the served "
            "data, the ontology and the body); past it the reasoner stops and the client gets 413. 0: no bound."),
    Setting("max_inferred", STRANGERS_MAX_INFERRED,
            "Triples that closure may infer in all (413 beyond; 0: no bound). The same two bounds, read from "
            "the environment, hold for sco-kg validate FILE."),
    Setting("validator", DEFAULT_VALIDATOR, "SHACL engine of POST /validate and POST /data: `fast` (sco_kg.pipeline.fastshacl) or `pyshacl` (the reference; same results, 100x and more slower: benchmarks/results/run.md)."),
    Setting("validate_max_memory_mb", 2048, "Address space of a validation worker (MiB); a validation past it is refused (413)."),
    Setting("cors_origins", "*", "Origins whose pages may call the endpoint from a browser (separated by spaces or "
            "commas); \"*\" opens the read routes only: POST /data and /validate need an origin named here."),
)

DEFAULTS = {s.name: s.default for s in SETTINGS}


def config_key(name: str) -> str:
    return "SCO_KG_" + name.upper()


class QueryRefused(Exception):
    """A query the endpoint will not run (400), with the reason and, when known, the position."""

    def __init__(self, message: str, kind: str = "refused", position: tuple[int, int] | None = None):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.position = position


QUERY_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
# keywords and operators that add a node to the algebra tree (left-deep chains of them overflow)
TREE_KEYWORDS = {"UNION", "OPTIONAL", "MINUS", "BIND", "FILTER", "GRAPH", "SERVICE", "VALUES", "EXISTS"}
OPERATORS = {"||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "|", "^", "!", "IN"}
SPLIT_KEYWORDS = {"SERVICE", "FROM", "NAMED", "LOAD", "SILENT"}
EXPRESSION_OPENERS = {"FILTER", "BIND", "HAVING", "BY", "ASC", "DESC", "SELECT", "DISTINCT", "REDUCED", "AS"}

_IRIREF = re.compile(r'<([^<>"{}|^`\\\x00-\x20]*)>')
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][\w\u00B7\u00C0-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z_\u00C0-\uFFFF][\w\-.\u00B7\u00C0-\uFFFF]*)?:(?:[\w\-:%\u00B7\u00C0-\uFFFF]|\\.|\.(?=[\w\-:%\u00C0-\uFFFF]))*)
  | (?P<word>[A-Za-z_][\w]*)
  | (?P<number>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<op>\|\||&&|!=|<=|>=|\^\^|<<|>>|[<>=+\-*/|^!])
  | (?P<punct>[(){}\[\],;.@])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

OPERAND_KINDS = {"var", "string", "number", "iri", "pname", "close", "word_operand"}


@dataclass
class QueryInfo:
    """What the inspection learnt: the form and the dataset clauses, prefixes resolved."""

    form: str | None = None
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)
    depth: int = 0
    operators: int = 0
    # updates (``allow_update``): where each WHERE of a DELETE/INSERT ... WHERE begins (offsets),
    # whether the text has USING or WITH, whether it has a DELETE WHERE
    where_offsets: list[int] = field(default_factory=list)
    dataset_keywords: bool = False
    delete_where: bool = False

    @property
    def has_dataset_clause(self) -> bool:
        return bool(self.from_graphs or self.from_named)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def inspect_query(
    query: str,
    *,
    base_iri: str | None = None,
    max_depth: int = DEFAULTS["max_depth"],
    max_operators: int = DEFAULTS["max_operators"],
    allow_update: bool = False,
) -> QueryInfo:
    """Tokenize ``query`` and refuse what must not run (raises :class:`QueryRefused`).

    ``allow_update``: the text is a SPARQL Update (``/update``): update keywords are allowed,
    ``LOAD`` and ``SERVICE`` still refused, and the places where the protocol's
    ``using-graph-uri`` go are noted. Does not validate the syntax: the engine does,
    afterwards, with its own messages.
    """
    info = QueryInfo()
    prefixes: dict[str, str] = {}
    base = base_iri
    # stack of open brackets: "(" expression, "p" other parentheses, "{", "["
    stack: list[str] = []
    prev_kind, prev_val = None, None  # the previous significant token
    prev2_val = None
    pending: str | None = None  # "PREFIX", "PREFIX2", "BASE", "FROM", "FROM NAMED", "SERVICE"
    prefix_name = None
    in_clause = False  # SELECT/ORDER BY/GROUP BY/HAVING clause: "(" opens an expression
    pos, n = 0, len(query)

    def refuse(message: str, at: int, kind: str = "refused"):
        raise QueryRefused(message, kind, _line_col(query, at))

    def resolve(iri: str) -> str:
        return urljoin(base, iri) if base else iri

    while pos < n:
        ch = query[pos]
        if ch == "<":
            m = _IRIREF.match(query, pos)
            in_expr = bool(stack) and stack[-1] == "("
            after_operand = prev_kind in OPERAND_KINDS
            if m and in_expr and after_operand:
                if re.search(r"['#]", m.group(1)):
                    refuse("ambiguous '<': put spaces around comparison operators", pos, "ambiguous")
                m = None  # a comparison
            if m:
                kind, val, end = "iri", m.group(1), m.end()
            else:
                om = _TOKEN.match(query, pos)
                kind, val, end = "op", om.group(0), om.end()
        else:
            m = _TOKEN.match(query, pos)
            kind = m.lastgroup
            val, end = m.group(0), m.end()
            if kind == "pname" and val.split(":", 1)[0].upper() in SPLIT_KEYWORDS:
                # "SERVICE:x" is the keyword SERVICE then the name ":x" to the engine
                kind, val = "word", val.split(":", 1)[0]
                end = pos + len(val)
        start = pos
        pos = end
        if kind in ("ws", "comment"):
            continue
        upper = val.upper() if kind == "word" else None

        # --- brackets, depth --------------------------------------------------------
        if kind == "punct" and val in "({[":
            if val == "(":
                expression = (
                    (stack and stack[-1] == "(")
                    or in_clause
                    or prev_val in ("FILTER", "BIND", "HAVING", "BY", "ASC", "DESC")
                    or (prev_kind in ("word", "pname", "iri") and prev2_val in ("FILTER", "BY", "HAVING"))
                    or (prev_kind == "word" and prev_val not in ("VALUES", "GRAPH", "SERVICE", "A"))
                    or prev_kind == "op"
                )
                stack.append("(" if expression else "p")
            else:
                stack.append(val)
            if len(stack) > max_depth:
                refuse(f"the query nests deeper than {max_depth} brackets", start, "too-deep")
            info.depth = max(info.depth, len(stack))
            if val == "{":
                in_clause = False
            kind = "open"
        elif kind == "punct" and val in ")}]":
            if stack:
                stack.pop()
            kind = "close"
        elif kind == "op" and val in OPERATORS:
            info.operators += 1
            if info.operators > max_operators:
                refuse(f"the query has more than {max_operators} operators", start, "too-complex")

        # --- keywords -----------------------------------------------------------------
        if kind == "word":
            if upper in ("TRUE", "FALSE"):
                kind = "word_operand"
            if upper in TREE_KEYWORDS or upper == "IN":
                info.operators += 1
            if info.operators > max_operators:
                refuse(f"the query has more than {max_operators} operators", start, "too-complex")
            if upper == "SERVICE":
                refuse("SERVICE is not allowed: this endpoint never makes requests to other services", start, "service")
            if upper in UPDATE_KEYWORDS and pending is None and not stack and info.form is None and not allow_update:
                refuse("SPARQL Update is not allowed: this endpoint is read-only (updates go to /update)", start,
                       "update")
            if upper in ("LOAD",) and not stack:
                refuse("LOAD is not allowed: this endpoint never fetches documents (POST the data to /data, or "
                       "write it with the Graph Store Protocol)", start, "load" if allow_update else "update")
            if allow_update and not stack:
                if upper in ("USING", "WITH"):
                    info.dataset_keywords = True
                elif upper == "WHERE" and prev_kind == "close":
                    info.where_offsets.append(start)
                elif upper == "WHERE" and prev_val == "DELETE":
                    info.delete_where = True
            if upper in QUERY_FORMS and info.form is None and not stack:
                info.form = upper
            if upper in ("SELECT", "HAVING"):
                in_clause = True
            elif upper == "BY":
                in_clause = True
            elif upper in ("WHERE", "LIMIT", "OFFSET", "VALUES", "FROM"):
                in_clause = False
            if upper == "PREFIX" and pending is None:
                pending = "PREFIX"
            elif upper == "BASE" and pending is None:
                pending = "BASE"
            elif upper == "FROM" and not stack:
                pending = "FROM"
            elif upper == "NAMED" and pending == "FROM":
                pending = "FROM NAMED"
            val = upper
        elif kind == "pname" and pending == "PREFIX":
            prefix_name = val[:-1] if val.endswith(":") else val.split(":", 1)[0]
            pending = "PREFIX2"
        elif kind == "iri" and pending == "PREFIX2":
            prefixes[prefix_name] = resolve(val)
            pending = None
        elif kind == "iri" and pending == "BASE":
            base = resolve(val)
            pending = None
        elif kind in ("iri", "pname") and pending in ("FROM", "FROM NAMED"):
            if kind == "iri":
                iri = resolve(val)
            else:
                p, local = val.split(":", 1)
                if p not in prefixes:
                    pending = None
                    prev2_val, prev_kind, prev_val = prev_val, kind, val
                    continue  # the engine reports the undefined prefix
                iri = prefixes[p] + re.sub(r"\\(.)", r"\1", local)
            (info.from_named if pending == "FROM NAMED" else info.from_graphs).append(iri)
            pending = None
        elif pending is not None and kind not in ("word",):
            pending = None
        prev2_val, prev_kind, prev_val = prev_val, kind, val
    return info


def check_dataset_clause(info: QueryInfo, known_graphs) -> None:
    """FROM/FROM NAMED must name graphs of the dataset: the endpoint fetches nothing."""
    for iri in info.from_graphs + info.from_named:
        if iri not in known_graphs:
            raise QueryRefused(
                f"FROM <{iri}>: not a graph of this dataset (this endpoint never fetches graphs; "
                "see the service description for the named graphs)",
                "unknown-graph",
            )
