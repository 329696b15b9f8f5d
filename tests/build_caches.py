"""Per-process caches that make the per-test app cheap to build, without changing the app.

Every test that uses ``app`` gets a new application from ``create_app()``. Two costs of that
are the same result recomputed in every test:

* Werkzeug compiles each URL rule's builder (the function behind ``url_for``) by generating
  and compiling Python source: ~230 rules, about 0.2 s per app, ~40% of a route test's time.
  The generated function depends only on the rule's text and parts and the names of its
  defaults, so one per distinct rule and process is enough (``install_rule_builder_cache``).
* Jinja compiles every template again in each new app's environment. A process-wide
  bytecode cache (``TEMPLATE_BYTECODE``) keeps the compiled code, keyed by template name
  and file and checked against the source's checksum, so an edited template is compiled
  again.
"""

from __future__ import annotations

from jinja2.bccache import Bucket, BytecodeCache
from werkzeug.routing.rules import Rule


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory for the life of the test process."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # ignored when the source's checksum differs

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()


TEMPLATE_BYTECODE = MemoryBytecodeCache()


def install_rule_builder_cache() -> None:
    """Reuse Werkzeug's generated URL builder functions across apps in this process.

    Werkzeug binds the (unbound) generated function to each rule with ``__get__``, and the
    function reads the rule's converters through that binding, so sharing it between equal
    rules of different apps is safe. A rule whose default fills one of its own variables is
    resolved through a converter while building; those few are not cached.
    """
    if getattr(Rule, "_lsos_builder_cache", None) is not None or not hasattr(
            Rule, "_compile_builder"):
        return
    original = Rule._compile_builder
    builders: dict[tuple, object] = {}

    def compile_builder(self, append_unknown=True):
        defaults = self.defaults or {}
        trace = tuple(self._trace)
        if any(is_dynamic and part in defaults for is_dynamic, part in trace):
            return original(self, append_unknown)
        key = (self.rule, trace, tuple(defaults), append_unknown)
        builder = builders.get(key)
        if builder is None:
            builder = builders[key] = original(self, append_unknown)
        return builder

    Rule._compile_builder = compile_builder
    Rule._lsos_builder_cache = builders


def install_rule_parse_cache() -> None:
    """Reuse each URL rule's parsed parts across apps in this process.

    ``Rule.compile`` parses the rule text into regex parts with converters on every new
    app (~270 rules, half of ``create_app``'s time in the tests). The parts depend only on
    the rule text and the map's converter classes, so one parse per distinct pair is kept.
    Converters are shared between equal rules of different apps: Werkzeug's and ours keep
    no state beyond the map they were made for, which none of them reads.
    """
    if getattr(Rule, "_lsos_parse_cache", None) is not None:
        return
    original = Rule._parse_rule
    parsed: dict[tuple, tuple] = {}

    def parse_rule(self, rule):
        key = (rule, tuple(sorted(self.map.converters.items())))
        hit = parsed.get(key)
        if hit is None:
            trace_start, known = len(self._trace), dict(self._converters)
            parts = list(original(self, rule))
            converters = {name: converter for name, converter in self._converters.items()
                          if known.get(name) is not converter}
            parsed[key] = hit = (parts, self._trace[trace_start:], converters)
            return parts
        parts, trace, converters = hit
        self._trace.extend(trace)
        self._converters.update(converters)
        self.arguments.update(converters)
        return list(parts)

    Rule._parse_rule = parse_rule
    Rule._lsos_parse_cache = parsed
