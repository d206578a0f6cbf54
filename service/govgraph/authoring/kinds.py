"""The kinds of statement a case states, one entry each: the spreadsheet columns of
``govgraph import-sheet``, the predicates they fill, how the statement's IRI is named, and the
commented Turtle template ``govgraph new-case`` writes. A new kind (an office, an appointment,
an election) is one more :class:`StatementKind` in :data:`KINDS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from govgraph.rdf.namespaces import PREFIXES


def _p(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


@dataclass(frozen=True)
class Column:
    """One column: its header, what it holds, the predicate it fills."""

    name: str
    help: str
    predicate: str | None = None  # None: used otherwise (the quote, the IRI)
    value: str = "entity"  # entity | role | date | quote
    required: bool = False
    many: bool = False  # several values, separated by ";"
    default: str | None = None


@dataclass(frozen=True)
class StatementKind:
    name: str  # the sheet's (or CSV file's) name
    title: str
    types: tuple[str, ...]
    folder: str  # the statement's IRI is ggid:<folder>/<agent>-<forum>
    agent: str  # the column whose entity names the IRI first
    forum: str  # and second
    columns: tuple[Column, ...]
    template: str  # the commented Turtle skeleton of new-case

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


QUOTE = Column("quote", "the sentence of the source that says it, exactly as written (its place "
               "in the text is found for you)", value="quote", required=True)
START = Column("start", "start date as the source gives it: YYYY, YYYY-MM or YYYY-MM-DD",
               _p("gg:startDate"), value="date")
END = Column("end", "end date, YYYY, YYYY-MM or YYYY-MM-DD", _p("gg:endDate"), value="date")

KINDS: dict[str, StatementKind] = {k.name: k for k in (
    StatementKind(
        name="membership", title="A body (or forum) sits in a forum directly",
        types=(_p("org:Membership"),), folder="membership", agent="member", forum="forum",
        columns=(
            Column("forum", "the forum: name, identifier or IRI", _p("org:organization"),
                   required=True),
            Column("member", "the member body or forum", _p("org:member"), required=True),
            Column("role", "member, coordinator, secretariat, …", _p("org:role"),
                   value="role", default="member"),
            START, END, QUOTE),
        template="""\
# mem:MEMBER-FORUM a org:Membership ;
#     org:member body:MEMBER ;
#     org:organization forum:FORUM ;
#     org:role role:member ;
#     gg:startDate "2024-03"^^xsd:gYearMonth ;   # only if the source says it
#     prov:wasDerivedFrom src:SOURCE ;
#     gg:evidence q:01 ."""),
    StatementKind(
        name="representation",
        title="A person (or post) sits in a forum on behalf of one or more bodies",
        types=(_p("gg:Representation"),), folder="representation", agent="agent",
        forum="forum",
        columns=(
            Column("forum", "the forum: name, identifier or IRI", _p("org:organization"),
                   required=True),
            Column("agent", "the person or post who sits", _p("org:member"), required=True),
            Column("role", "member, coordinator, …", _p("org:role"), value="role",
                   default="member"),
            Column("on_behalf_of", "the principal(s), separated by ;", _p("gg:onBehalfOf"),
                   required=True, many=True),
            START, END, QUOTE),
        template="""\
# rep:AGENT-FORUM a gg:Representation ;
#     org:member person:AGENT ;
#     org:organization forum:FORUM ;
#     org:role role:member ;
#     gg:onBehalfOf body:PRINCIPAL ;            # one or more, as the source says
#     prov:wasDerivedFrom src:SOURCE ;
#     gg:evidence q:02 ."""),
)}

#: Kinds written in Turtle only for now (new-case shows their template too).
TURTLE_ONLY = {
    "coordination": """\
# coord:FORUM a gg:Coordination ;
#     gg:coordinator person:AGENT ;
#     gg:coordinatedForum forum:FORUM ;
#     gg:seat rep:AGENT-FORUM ;                 # the coordinator's own seat
#     prov:wasDerivedFrom src:SOURCE ;
#     gg:evidence q:03 .""",
    "quote": """\
# q:01 a gg:Quote , prov:Entity ;               # govgraph quote SOURCE "text" prints it
#     prov:value "the sentence, exactly as in the text"@it ;
#     prov:wasQuotedFrom src:SOURCE .           # govgraph fmt adds oa:start/oa:end""",
}

#: The entities sheet: names not yet in the data, created with these columns.
ENTITY_TYPES = {"body": _p("gg:Body"), "forum": _p("gg:Forum"), "person": _p("foaf:Person"),
                "post": _p("org:Post"), "group": _p("gg:BodyGroup")}
ENTITY_COLUMNS = (
    Column("name", "the name as the source writes it (Italian label)", required=True),
    Column("type", "body, forum, person, post or group", required=True),
    Column("kind", "body-kind or forum-kind concept (municipality, working-group, …)"),
    Column("label_en", "English label"),
    Column("part_of", "for a forum: the forum it is part of", _p("gg:partOfForum")),
)
