"""What editors tell search, without a rebuild: synonyms and curations.

A synonym is a group of phrases that mean one thing ("TP.HCM", "Thành phố Hồ Chí Minh",
"Sài Gòn": each finds the others), or a root and its words ("smartphone" also finds
"điện thoại thông minh", not the reverse); search.synonyms applies them to a query. A
curation names a query ("bão số 3") and the articles its first page shows first (pin,
in that order) and never shows (hide); a search matches it when its words are the
rule's words, folded and in any order (`curation_key`).

Rules are plain data, the same for every backend: `Rules.to_json` / `Rules.from_json`
is how a Store (whoosh/editorial.py: a file beside the generations; opensearch/
editorial.py: a document of the cluster) keeps them, outside any one build, so a rebuild
keeps them. A Store answers `rules()` cheaply enough to be asked at every request,
which is what makes a rule written on one worker hold on every worker at once.
"""

from __future__ import annotations

import re
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace

from ..language.text import NOT_TEXT, is_text
from .query import Query
from .request import InvalidRequest

MAX_RULES = 10_000  # of each kind
MAX_PHRASES = 50  # in a synonym group
MAX_PHRASE = 200  # characters
MAX_IDS = 100  # pinned or hidden articles of one curation
MAX_ID = 1000  # characters of an article id (as the write API takes them)
RULE_ID = re.compile(r"^[\w.\-~]{1,128}$")  # letters (any script), digits, _ . - ~
KINDS = ("synonyms", "curations")


@dataclass(frozen=True)
class Synonym:
    id: str
    words: tuple[str, ...]
    root: str | None = None  # with a root: the root finds the words, not the reverse

    def to_json(self) -> dict:
        found: dict = {"id": self.id}
        if self.root is not None:
            found["root"] = self.root
        found["words"] = list(self.words)
        return found

    def phrases(self) -> tuple[str, ...]:
        """Every phrase of the rule, the root first."""
        return ((self.root,) if self.root is not None else ()) + self.words

    def replacing(self, phrase: str) -> tuple[str, ...]:
        """What a query holding *phrase* (one of the rule's) also finds."""
        if self.root is not None:
            return self.words if phrase == self.root else ()
        return tuple(p for p in self.words if p != phrase)


@dataclass(frozen=True)
class Curation:
    id: str
    query: str
    pin: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"id": self.id, "query": self.query, "pin": list(self.pin), "hide": list(self.hide)}


@dataclass(frozen=True)
class Rules:
    """Every rule of an index; *version* changes whenever one does."""

    synonyms: tuple[Synonym, ...] = ()
    curations: tuple[Curation, ...] = ()
    version: str = ""
    _keys: dict = field(default_factory=dict, compare=False, repr=False)  # curation_key cache

    def to_json(self) -> dict:
        return {
            "synonyms": [s.to_json() for s in self.synonyms],
            "curations": [c.to_json() for c in self.curations],
        }

    @classmethod
    def from_json(cls, data: dict, version: str = "") -> Rules:
        return cls(
            tuple(synonym_of(s["id"], s) for s in data.get("synonyms", [])),
            tuple(curation_of(c["id"], c) for c in data.get("curations", [])),
            version,
        )

    def of(self, kind: str) -> tuple:
        return self.synonyms if kind == "synonyms" else self.curations

    def get(self, kind: str, rule_id: str):
        return next((rule for rule in self.of(kind) if rule.id == rule_id), None)

    def put(self, kind: str, rule) -> Rules:
        """These rules with *rule* added, or in place of the rule of its id."""
        current = self.of(kind)
        if any(r.id == rule.id for r in current):
            rules = tuple(rule if r.id == rule.id else r for r in current)
        elif len(current) >= MAX_RULES:
            raise InvalidRequest("too_many_rules", f"an index holds at most {MAX_RULES:,} {kind}")
        else:
            rules = (*current, rule)
        return replace(self, **{kind: rules}, _keys={})

    def delete(self, kind: str, rule_id: str) -> Rules:
        return replace(self, **{kind: tuple(r for r in self.of(kind) if r.id != rule_id)}, _keys={})

    def versioned(self, version: str) -> Rules:
        """These rules, as kept under *version*."""
        return replace(self, version=version, _keys={})

    def curation(self, parsed: Query, analyse) -> Curation | None:
        """The curation of a parsed query: the last rule whose words it holds, folded, in
        any order (a query of operators, fields or several alternatives has none)."""
        if not self.curations:
            return None
        key = curation_key(parsed, analyse)
        if key is None:
            return None
        if not self._keys:
            for rule in self.curations:
                self._keys[tuple(sorted(analyse(rule.query).folded))] = rule
        return self._keys.get(key)


def curation_key(parsed: Query, analyse) -> tuple[str, ...] | None:
    """The folded syllables of a query of words and phrases, sorted; None for another."""
    if len(parsed.alternatives) != 1 or parsed.excluded:
        return None
    if any(clause.field for clause in parsed.alternatives[0]):
        return None
    folded = [f for clause in parsed.alternatives[0] for f in analyse(clause.text).folded]
    return tuple(sorted(folded)) or None


def check_id(rule_id: str) -> str:
    if not RULE_ID.match(rule_id or ""):
        raise InvalidRequest(
            "invalid_id",
            "a rule's id is 1 to 128 letters, digits, '_', '.', '-' or '~'",
        )
    return rule_id


def synonym_of(rule_id: str, body) -> Synonym:
    """The synonym rule *body* ({"words": [...]} or {"root": ..., "words": [...]})
    describes, or InvalidRequest saying what is wrong."""
    _object(body, {"id", "words", "root"}, "a synonym")
    words = _phrases(body.get("words"), "words")
    root = body.get("root")
    if root is not None:
        (root,) = _phrases([root], "root")
        words = tuple(w for w in words if w != root)
        if not words:
            raise InvalidRequest("invalid_words", "words must hold a phrase besides the root")
    elif len(words) < 2:
        raise InvalidRequest("invalid_words", "words must hold at least two different phrases")
    return Synonym(check_id(rule_id), words, root)


def curation_of(rule_id: str, body) -> Curation:
    """The curation *body* ({"query": ..., "pin": [ids], "hide": [ids]}) describes."""
    _object(body, {"id", "query", "pin", "hide"}, "a curation")
    query = body.get("query")
    if not isinstance(query, str) or not query.strip() or len(query) > MAX_PHRASE:
        raise InvalidRequest(
            "invalid_query", f"query must be a non-empty string of at most {MAX_PHRASE} characters"
        )
    _text(query, "query")
    pin, hide = _ids(body.get("pin", []), "pin"), _ids(body.get("hide", []), "hide")
    if not pin and not hide:
        raise InvalidRequest("invalid_curation", "a curation pins or hides at least one article")
    if both := set(pin) & set(hide):
        raise InvalidRequest("invalid_curation", f"pinned and hidden at once: {sorted(both)[0]!r}")
    return Curation(check_id(rule_id), query.strip(), pin, hide)


def _object(body, keys: set[str], what: str) -> None:
    if not isinstance(body, dict):
        raise InvalidRequest("invalid_json", f"{what} is a JSON object")
    if unknown := sorted(set(body) - keys):
        raise InvalidRequest("invalid_field", f"{what} has no field {unknown[0]!r}")


def _phrases(value, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or len(value) > MAX_PHRASES:
        raise InvalidRequest(
            f"invalid_{name}", f"{name} must be a list of 1 to {MAX_PHRASES} phrases"
        )
    found = []
    for phrase in value:
        if not isinstance(phrase, str) or not any(c.isalnum() for c in phrase):
            raise InvalidRequest(f"invalid_{name}", f"{name}: {phrase!r} is not a phrase of words")
        if len(phrase) > MAX_PHRASE:
            raise InvalidRequest(
                f"invalid_{name}", f"{name}: a phrase has at most {MAX_PHRASE} characters"
            )
        found.append(" ".join(_text(phrase, name).split()))
    return tuple(dict.fromkeys(found))


def _ids(value, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) > MAX_IDS:
        raise InvalidRequest(f"invalid_{name}", f"{name} must be a list of at most {MAX_IDS} ids")
    if not all(isinstance(i, str) and 0 < len(i) <= MAX_ID for i in value):
        raise InvalidRequest(f"invalid_{name}", f"{name} must hold article ids (strings)")
    return tuple(dict.fromkeys(_text(i, name) for i in value))


def _text(value: str, name: str) -> str:
    """*value*, unless it holds a lone surrogate (JSON may carry one): not Unicode text."""
    if not is_text(value):
        raise InvalidRequest(f"invalid_{name}", f"{name} {NOT_TEXT}")
    return value


class Store(ABC):
    """Where an index's rules are kept (one per backend). A store says cheaply what
    stamps its rules now (`stamp`) and reads them (`read`); `rules` reads them again only
    when the stamp moved."""

    def __init__(self):
        self._seen = None  # the stamp of the rules last read
        self._rules = Rules()
        self._reading = threading.Lock()

    @abstractmethod
    def stamp(self):
        """What changes whenever the rules do (None: there are none)."""

    @abstractmethod
    def read(self) -> Rules:
        """The rules as kept now."""

    def rules(self) -> Rules:
        """The rules as they are now (cheap when they have not changed)."""
        seen = self.stamp()
        if seen is None:
            return Rules()
        if seen != self._seen:
            with self._reading:
                if seen != self._seen:
                    self._rules, self._seen = self.read(), seen
        return self._rules

    @abstractmethod
    def change(self, change) -> Rules:
        """Replace the rules with change(rules) atomically (no write of another process
        lost), durably; return the new rules."""

    def put(self, kind: str, rule) -> bool:
        """Add or replace *rule*; True when it is new."""
        created = []

        def put_rule(rules: Rules) -> Rules:
            created[:] = [rules.get(kind, rule.id) is None]
            return rules.put(kind, rule)

        self.change(put_rule)
        return created[0]

    def delete(self, kind: str, rule_id: str) -> bool:
        """Remove the rule *rule_id*; False when there was none."""
        found = []

        def delete_rule(rules: Rules) -> Rules:
            found[:] = [rules.get(kind, rule_id) is not None]
            return rules.delete(kind, rule_id)

        self.change(delete_rule)
        return found[0]
