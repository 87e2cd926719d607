"""The case store: cases kept in a database, every save a new revision, nothing ever overwritten.

SQLite (a file under data/store/) by default, PostgreSQL when CLAIMTRACE_DATABASE_URL names one.
The schema is made and migrated by Alembic (claimtrace/migrations) when a Store opens, never by
hand. A revision holds what a file holds: the case's metadata and its table as text cells, rejected
rows included, so a stored case goes through the very validation an uploaded file does.

Concurrency is optimistic: a save names the revision it was made from, and is refused (Conflict)
when someone else saved in between. The database enforces it: a revision number is part of the
primary key, and the case's head moves only from the base the save named.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    exc,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import delete as sql_delete

from claimtrace.readers import cell_text

ENV_URL = "CLAIMTRACE_DATABASE_URL"
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "store" / "cases.sqlite"
EXPORT_FORMAT = "claimtrace-case"
EXPORT_VERSION = 1

metadata = MetaData()

cases_table = Table(
    "cases",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("title", Text, nullable=False),
    Column("head", Integer, nullable=False),  # the number of the latest revision
    Column("archived", Boolean, nullable=False, default=False),
    Column("origin", Text, nullable=False, default=""),  # where its first revision came from
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
)

revisions_table = Table(
    "revisions",
    metadata,
    Column("case_id", String(32), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("author", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("message", Text, nullable=False, default=""),  # what the author said of it
    Column("changes", Text, nullable=False, default=""),  # what changed, worked out on save
    Column("sha256", String(64), nullable=False),  # of the content, as it is written here
    Column("content", Text, nullable=False),  # JSON: {"meta", "header", "rows"}
)

mappings_table = Table(
    "header_mappings",
    metadata,
    Column("signature", String(64), primary_key=True),  # sha256 of the file's headers
    Column("headers", Text, nullable=False),  # JSON list, as the file wrote them
    Column("mapping", Text, nullable=False),  # JSON: header -> contract column ("" = extra)
    Column("updated_at", String(32), nullable=False),
)


class _HeadMoved(Exception):
    """The head moved between reading it and moving it: someone else saved."""


class StoreError(Exception):
    """Something the user asked of the store cannot be done; the message says why."""


class NotFound(StoreError):
    pass


class Conflict(StoreError):
    """The case was saved by someone else since the revision this save was made from."""

    def __init__(self, case_id: str, base: int, theirs: Revision):
        self.case_id, self.base, self.theirs = case_id, base, theirs
        super().__init__(
            f"This case was saved by {theirs.author} at {theirs.created_at} (revision "
            f"{theirs.number}) after you opened revision {base}. Your edits were not saved: "
            "look at their change, then apply yours to the latest revision."
        )


@dataclass(frozen=True)
class Content:
    """What a revision holds: the metadata (as in case.json) and the table as text cells."""

    meta: dict
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @staticmethod
    def of(meta: dict, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Content:
        """Short rows are padded to the header's width; a row with more (non-empty) cells than
        the header keeps them, so that it is rejected on loading just as the file's row was."""
        width = len(header)
        return Content(
            dict(meta), tuple(str(h) for h in header), tuple(_cells(r, width) for r in rows)
        )

    def to_json(self) -> str:
        data = {
            "meta": self.meta,
            "header": list(self.header),
            "rows": [list(r) for r in self.rows],
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    @staticmethod
    def from_json(text: str) -> Content:
        data = json.loads(text)
        return Content.of(data.get("meta") or {}, data.get("header") or [], data.get("rows") or [])


@dataclass(frozen=True)
class CaseRecord:
    id: str
    title: str
    head: int
    archived: bool
    origin: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Revision:
    case_id: str
    number: int
    author: str
    created_at: str
    message: str
    changes: str
    sha256: str
    content: Content | None = None  # None in a history listing


_text = cell_text


def _cells(row: Sequence[object], width: int) -> tuple[str, ...]:
    cells = [_text(v) for v in row]
    while len(cells) > width and not cells[-1]:
        cells.pop()  # empty cells past the header's end are no cells at all
    return tuple(cells + [""] * (width - len(cells)))


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _new_id() -> str:
    return uuid.uuid4().hex[:12]


def header_signature(headers: Sequence[str]) -> str:
    """The key under which a file's column mapping is remembered: its headers, in order."""
    return hashlib.sha256(json.dumps([str(h).strip() for h in headers]).encode()).hexdigest()


def database_url(url: str | None = None) -> str:
    """The URL given, else $CLAIMTRACE_DATABASE_URL, else the SQLite file under data/store/."""
    url = url or os.environ.get(ENV_URL, "").strip()
    if url:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            # The driver installed with the app is psycopg 3.
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    DEFAULT_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_PATH}"


def describe_url(url: str) -> str:
    """The database for a person to read, with no password in it."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite file {parsed.database}"
    return f"PostgreSQL database {parsed.database} on {parsed.host or 'localhost'}"


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record) -> None:
            # SQLAlchemy's documented recipe: let SQLAlchemy, not the driver, begin transactions,
            # so that a write can begin IMMEDIATE (take the write lock first) and two writers
            # never both read the head and then deadlock upgrading their locks.
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA foreign_keys=ON")
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            dbapi_connection.execute("PRAGMA busy_timeout=60000")

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:
            immediate = conn.get_execution_options().get("claimtrace_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> str:
    """Bring the schema to the latest migration (an empty database included); returns its id.

    Several app processes may start at once on one database: the migration runs under a lock
    (PostgreSQL's advisory lock, SQLite's write lock), so only one of them changes the schema."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as conn:
        if MigrationContext.configure(conn).get_current_revision() == head:
            return head
    with engine.connect() as conn:
        conn = conn.execution_options(claimtrace_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(721004)")
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    return head


class Store:
    """Cases and their revisions in one database. Methods take and return plain values."""

    def __init__(self, url: str | None = None):
        self.url = database_url(url)
        self.engine = _engine(self.url)
        self.schema_version = migrate(self.engine)

    @property
    def description(self) -> str:
        return describe_url(self.url)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn = conn.execution_options(claimtrace_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    # --- cases ----------------------------------------------------------------------------
    def cases(self, archived: bool = False) -> list[CaseRecord]:
        """The stored cases, latest change first; archived ones only when asked for."""
        query = select(cases_table).order_by(cases_table.c.updated_at.desc(), cases_table.c.id)
        if not archived:
            query = query.where(cases_table.c.archived.is_(False))
        with self._read() as conn:
            return [_record(row) for row in conn.execute(query)]

    def case(self, case_id: str) -> CaseRecord:
        with self._read() as conn:
            return self._case(conn, case_id)

    def _case(self, conn: Connection, case_id: str) -> CaseRecord:
        row = conn.execute(select(cases_table).where(cases_table.c.id == case_id)).first()
        if row is None:
            raise NotFound(f"There is no stored case {case_id!r} (it may have been deleted).")
        return _record(row)

    def create(
        self, content: Content, author: str, message: str = "", origin: str = ""
    ) -> Revision:
        """A new case whose first revision is `content`."""
        case_id, now = _new_id(), _now()
        with self._write() as conn:
            conn.execute(
                insert(cases_table).values(
                    id=case_id,
                    title=_title(content),
                    head=1,
                    archived=False,
                    origin=origin,
                    created_at=now,
                    updated_at=now,
                )
            )
            return self._insert_revision(conn, case_id, 1, content, author, message, now, None)

    def save(
        self, case_id: str, base: int, content: Content, author: str, message: str = ""
    ) -> Revision:
        """Save `content` as the revision after `base`; Conflict when `base` is not the latest."""
        now = _now()
        try:
            with self._write() as conn:
                record = self._case(conn, case_id)
                if record.head != base:
                    raise Conflict(case_id, base, self._revision(conn, case_id, record.head))
                before = self._revision(conn, case_id, base).content
                revision = self._insert_revision(
                    conn, case_id, base + 1, content, author, message, now, before
                )
                moved = conn.execute(
                    update(cases_table)
                    .where(cases_table.c.id == case_id, cases_table.c.head == base)
                    .values(head=base + 1, title=_title(content), updated_at=now)
                )
                if moved.rowcount != 1:
                    raise _HeadMoved
                return revision
        except (exc.IntegrityError, _HeadMoved):
            # Another save took the same number first (PostgreSQL lets both read the head).
            with self._read() as conn:
                head = self._case(conn, case_id).head
                raise Conflict(case_id, base, self._revision(conn, case_id, head)) from None

    def restore(self, case_id: str, number: int, base: int, author: str) -> Revision:
        """Make revision `number`'s content the latest again, as a new revision."""
        old = self.revision(case_id, number)
        return self.save(case_id, base, old.content, author, f"Restored revision {number}")

    def duplicate(self, case_id: str, author: str, title: str = "") -> Revision:
        """A new case starting from this one's latest revision (its history stays behind)."""
        record = self.case(case_id)
        latest = self.revision(case_id)
        meta = dict(latest.content.meta)
        meta["title"] = title or f"{record.title} (copy)"
        content = Content(meta, latest.content.header, latest.content.rows)
        origin = f"copy of stored case {record.id} at revision {latest.number}"
        return self.create(content, author, f"Copied from “{record.title}”", origin)

    def set_archived(self, case_id: str, archived: bool = True) -> None:
        with self._write() as conn:
            self._case(conn, case_id)
            conn.execute(
                update(cases_table)
                .where(cases_table.c.id == case_id)
                .values(archived=archived, updated_at=_now())
            )

    def delete(self, case_id: str) -> None:
        """Delete a case and its whole history (export it first to keep a copy)."""
        with self._write() as conn:
            self._case(conn, case_id)
            conn.execute(sql_delete(revisions_table).where(revisions_table.c.case_id == case_id))
            conn.execute(sql_delete(cases_table).where(cases_table.c.id == case_id))

    # --- revisions ------------------------------------------------------------------------
    def revision(self, case_id: str, number: int | None = None) -> Revision:
        """A revision with its content; the latest when no number is given."""
        with self._read() as conn:
            if number is None:
                number = self._case(conn, case_id).head
            return self._revision(conn, case_id, number)

    def _revision(self, conn: Connection, case_id: str, number: int) -> Revision:
        row = conn.execute(
            select(revisions_table).where(
                revisions_table.c.case_id == case_id, revisions_table.c.number == number
            )
        ).first()
        if row is None:
            self._case(conn, case_id)
            raise NotFound(f"The stored case {case_id!r} has no revision {number}.")
        return _revision(row, with_content=True)

    def history(self, case_id: str) -> list[Revision]:
        """Every revision of a case, newest first, without their content."""
        columns = [c for c in revisions_table.c if c.name != "content"]
        with self._read() as conn:
            self._case(conn, case_id)
            rows = conn.execute(
                select(*columns)
                .where(revisions_table.c.case_id == case_id)
                .order_by(revisions_table.c.number.desc())
            )
            return [_revision(row, with_content=False) for row in rows]

    def _insert_revision(
        self,
        conn: Connection,
        case_id: str,
        number: int,
        content: Content,
        author: str,
        message: str,
        now: str,
        before: Content | None,
    ) -> Revision:
        from claimtrace.changes import describe, diff

        changes = describe(diff(before, content)) if before is not None else "first revision"
        values = dict(
            case_id=case_id,
            number=number,
            author=author.strip() or "someone",
            created_at=now,
            message=message.strip(),
            changes=changes,
            sha256=content.sha256,
            content=content.to_json(),
        )
        conn.execute(insert(revisions_table).values(**values))
        values.pop("content")
        return Revision(**values, content=content)

    # --- moving a case between installations ----------------------------------------------
    def export_case(self, case_id: str) -> dict:
        """The whole case with its history, as one JSON-ready dict."""
        with self._read() as conn:
            record = self._case(conn, case_id)
            rows = conn.execute(
                select(revisions_table)
                .where(revisions_table.c.case_id == case_id)
                .order_by(revisions_table.c.number)
            ).all()
        revisions = []
        for row in rows:
            content = Content.from_json(row.content)
            revisions.append(
                {
                    "number": row.number,
                    "author": row.author,
                    "created_at": row.created_at,
                    "message": row.message,
                    "changes": row.changes,
                    "sha256": row.sha256,
                    "meta": content.meta,
                    "header": list(content.header),
                    "rows": [list(r) for r in content.rows],
                }
            )
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": _now(),
            "case": {
                "id": record.id,
                "title": record.title,
                "archived": record.archived,
                "origin": record.origin,
                "created_at": record.created_at,
            },
            "revisions": revisions,
        }

    def import_case(self, data: dict, author: str) -> CaseRecord:
        """A case exported by export_case, with its whole history, under a new id."""
        if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
            raise StoreError(
                "This is not a ClaimTrace case export (its 'format' is not "
                f"{EXPORT_FORMAT!r}). To load a table of events, upload it as a file instead."
            )
        if data.get("version") != EXPORT_VERSION:
            raise StoreError(
                f"This case export is version {data.get('version')!r}; this app reads version "
                f"{EXPORT_VERSION}."
            )
        revisions = data.get("revisions")
        if not isinstance(revisions, list) or not revisions:
            raise StoreError("This case export has no revisions.")
        numbers = [r.get("number") if isinstance(r, dict) else None for r in revisions]
        numbers = [None if isinstance(n, bool) else n for n in numbers]  # True == 1 in Python
        if numbers != list(range(1, len(revisions) + 1)):
            raise StoreError(
                "This case export's revisions are not numbered 1, 2, 3, … in order: "
                f"found {numbers[:10]}."
            )
        contents = []
        for item in revisions:
            if not _revision_shaped(item):
                raise StoreError(
                    f"Revision {item['number']} of this export is damaged: its meta must be an "
                    "object, its header a list of names and its rows lists of cells."
                )
            content = Content.of(
                item.get("meta") or {}, item.get("header") or [], item.get("rows") or []
            )
            if item.get("sha256") and item["sha256"] != content.sha256:
                raise StoreError(
                    f"Revision {item['number']} of this export does not match its sha256: the "
                    "file was changed after it was exported."
                )
            contents.append(content)
        info = data.get("case") if isinstance(data.get("case"), dict) else {}
        case_id, now = _new_id(), _now()
        origin = f"imported from case {info.get('id', '?')} ({info.get('origin') or 'an export'})"
        with self._write() as conn:
            conn.execute(
                insert(cases_table).values(
                    id=case_id,
                    title=_title(contents[-1]),
                    head=len(contents),
                    archived=bool(info.get("archived", False)),
                    origin=origin,
                    created_at=str(info.get("created_at") or now),
                    updated_at=now,
                )
            )
            for item, content in zip(revisions, contents, strict=True):
                conn.execute(
                    insert(revisions_table).values(
                        case_id=case_id,
                        number=item["number"],
                        author=str(item.get("author") or "someone"),
                        created_at=str(item.get("created_at") or now),
                        message=str(item.get("message") or ""),
                        changes=str(item.get("changes") or ""),
                        sha256=content.sha256,
                        content=content.to_json(),
                    )
                )
        return self.case(case_id)

    # --- column mappings ------------------------------------------------------------------
    def mapping_for(self, headers: Sequence[str]) -> dict[str, str] | None:
        """The mapping remembered for files with exactly these headers, if any."""
        with self._read() as conn:
            row = conn.execute(
                select(mappings_table.c.mapping).where(
                    mappings_table.c.signature == header_signature(headers)
                )
            ).first()
        return json.loads(row.mapping) if row else None

    def remember_mapping(self, headers: Sequence[str], mapping: dict[str, str]) -> None:
        signature, now = header_signature(headers), _now()
        values = dict(
            headers=json.dumps(list(headers), ensure_ascii=False),
            mapping=json.dumps(mapping, ensure_ascii=False, sort_keys=True),
            updated_at=now,
        )
        with self._write() as conn:
            # One statement (an upsert), so that two people remembering a mapping for the same
            # headers at once cannot both find none and both insert it (PostgreSQL lets them).
            if conn.dialect.name == "postgresql":
                from sqlalchemy.dialects.postgresql import insert as upsert
            else:
                from sqlalchemy.dialects.sqlite import insert as upsert
            conn.execute(
                upsert(mappings_table)
                .values(signature=signature, **values)
                .on_conflict_do_update(index_elements=[mappings_table.c.signature], set_=values)
            )

    def count(self) -> int:
        with self._read() as conn:
            return conn.execute(select(func.count()).select_from(cases_table)).scalar_one()


def _revision_shaped(item: dict) -> bool:
    """Whether an exported revision's meta, header and rows have the shapes Content holds."""
    meta, header, rows = item.get("meta", {}), item.get("header", []), item.get("rows", [])
    cell = (str, int, float, type(None))
    return (
        isinstance(meta, dict)
        and isinstance(header, list)
        and all(isinstance(h, str) for h in header)
        and isinstance(rows, list)
        and all(isinstance(r, list) and all(isinstance(c, cell) for c in r) for r in rows)
    )


def _title(content: Content) -> str:
    return str(content.meta.get("title") or "Untitled case").strip() or "Untitled case"


def _record(row) -> CaseRecord:
    return CaseRecord(
        id=row.id,
        title=row.title,
        head=row.head,
        archived=bool(row.archived),
        origin=row.origin or "",
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _revision(row, with_content: bool) -> Revision:
    return Revision(
        case_id=row.case_id,
        number=row.number,
        author=row.author,
        created_at=row.created_at,
        message=row.message or "",
        changes=row.changes or "",
        sha256=row.sha256,
        content=Content.from_json(row.content) if with_content else None,
    )
