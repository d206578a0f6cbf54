"""The kinds of statement a case states, one entry each: the spreadsheet columns of
``govgraph import-sheet``, the predicates they fill, how the statement's IRI is named, and the
commented Turtle template ``govgraph new-case`` writes. A new kind is one more
:class:`StatementKind` in :data:`KINDS`.
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
    value: str = "entity"  # entity | role | date | quote | seat | concept/<scheme>
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
    new_person: bool = False  # an agent not in the data becomes a new person
    naming: tuple[str, ...] = ()  # the columns naming the IRI, if not (agent, forum)
    dated: str | None = None  # the statement's own date column (an event's gg:date)

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
        new_person=True,
        template="""\
# rep:AGENT-FORUM a gg:Representation ;
#     org:member person:AGENT ;
#     org:organization forum:FORUM ;
#     org:role role:member ;
#     gg:onBehalfOf body:PRINCIPAL ;            # one or more, as the source says
#     prov:wasDerivedFrom src:SOURCE ;
#     gg:evidence q:02 ."""),
    StatementKind(
        name="office",
        title="A person (or body) holds an office (president, vice-president, …) in a body or "
              "forum",
        types=(_p("gg:OfficeHolding"),), folder="office-holding",
        agent="holder", forum="organization", naming=("holder", "role", "organization"),
        columns=(
            Column("organization", "the body or forum where the office is: name, identifier "
                   "or IRI", _p("org:organization"), required=True),
            Column("holder", "the person (or body) who holds it", _p("org:member"),
                   required=True),
            Column("role", "the office: president, vice-president, secretary, …",
                   _p("org:role"), value="role", required=True),
            Column("post", "the post, when the source names it (post/sindaco-carpi)",
                   _p("gg:post")),
            START, END, QUOTE),
        new_person=True,
        template="""\
# oh:HOLDER-ROLE-FORUM a gg:OfficeHolding ;
#     org:member person:HOLDER ;
#     org:organization forum:FORUM ;             # or the body
#     org:role role:president ;
#     prov:wasDerivedFrom src:SOURCE ;
#     gg:evidence q:04 ."""),
    StatementKind(
        name="appointment",
        title="Who proposed, designated, elected or appointed whom into which seat or office",
        types=(_p("gg:Appointment"),), folder="appointment",
        agent="appointee", forum="organization",
        naming=("kind", "appointee", "role", "organization"), dated="date",
        columns=(
            Column("kind", "proposal, designation, nomination, election, appointment, "
                   "confirmation or co-optation, as the source's verb says",
                   _p("gg:appointmentKind"), value="concept/appointment-kind", required=True),
            Column("appointee", "who was chosen: the holder of the seat or office",
                   _p("gg:appointee"), required=True),
            Column("organization", "the body or forum of the seat or office",
                   required=True),
            Column("role", "the seat's role (member, president, …): with the appointee and "
                   "the organization it finds the seat, in the sheets or the data",
                   value="seat", default="member"),
            Column("by", "who made the choice; empty when the source does not say",
                   _p("gg:appointingAgent")),
            Column("session", "the session it took place in (its IRI, event/…)",
                   _p("gg:atSession")),
            Column("date", "its date, YYYY, YYYY-MM or YYYY-MM-DD, as the source gives it",
                   _p("gg:date"), value="date"),
            QUOTE),
        template="""\
# appt:election-APPOINTEE-ROLE-FORUM a gg:Appointment ;
#     gg:appointmentKind ak:election ;
#     gg:appointee person:APPOINTEE ;
#     gg:appointedTo oh:APPOINTEE-ROLE-FORUM ;   # the seat or office it leads to
#     gg:appointingAgent forum:ELECTORATE ;        # only if the source says who
#     gg:date "2024-03-18"^^xsd:date ;
#     prov:wasDerivedFrom src:SOURCE ;
#     gg:evidence q:05 ."""),
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
