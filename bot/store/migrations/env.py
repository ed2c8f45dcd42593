"""Alembic environment running migrations through the async engine of the app."""
import asyncio

from alembic import context
from sqlalchemy import event

from bot.store.db import make_engine
from bot.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _sqlite_ddl_in_one_transaction(engine) -> None:
    """The SQLite driver commits each CREATE/ALTER on its own, so an upgrade stopped half-way
    (Ctrl-C or kill -9 on a first start) left tables without their alembic_version row,
    and every later start failed on "table … already exists". With the driver's own
    transaction handling off and an explicit BEGIN IMMEDIATE (which also makes a second
    process wait instead of migrating the same file), an upgrade is all or nothing."""
    def no_driver_begin(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None

    def begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    event.listen(engine.sync_engine, "connect", no_driver_begin)
    event.listen(engine.sync_engine, "begin", begin)


async def _run_async() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    if engine.dialect.name == "sqlite":
        _sqlite_ddl_in_one_transaction(engine)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async())
