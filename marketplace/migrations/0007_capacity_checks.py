"""CHECK constraints behind the conditional updates that take capacity and stock.

Holds and checkouts never take more than there is (`taken + n <= capacity`, `stock >= q` in the
UPDATE's WHERE); these constraints make the database refuse any write that would, should a
future code path forget the condition.

PostgreSQL adds a CHECK constraint with ALTER TABLE. SQLite cannot, so the table is rebuilt
(SQLite's documented procedure): its own CREATE statement with the constraint appended, rows
copied, indexes re-created. Foreign keys must be off meanwhile (dropping a parent table with
them on would cascade into, or be refused by, its children), and SQLite ignores that switch
inside a transaction: the migration is therefore not atomic as a whole and each rebuild runs in
a transaction of its own, checked with `foreign_key_check` before it commits.
"""

from tortoise import migrations
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import CheckConstraint
from tortoise.transactions import in_transaction


async def _sqlite_rebuild(client: BaseDBAsyncClient, table: str, clause: str, add: bool) -> None:
    _, rows = await client.execute_query(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
    )
    create = rows[0]["sql"].rstrip()
    if add == (clause in create):
        return  # a rerun after a later step failed: this table is done already
    if add:
        if not create.endswith(")"):
            raise RuntimeError(f"unexpected CREATE statement for {table}: {create}")
        create = f"{create[:-1]}, {clause})"
    else:
        create = create.replace(f", {clause}", "")
    new = f"new__{table}"
    create = create.replace(f'CREATE TABLE "{table}"', f'CREATE TABLE "{new}"', 1)
    _, extras = await client.execute_query(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger')"
        " AND sql IS NOT NULL",
        [table],
    )
    await client.execute_script("PRAGMA foreign_keys = OFF")
    try:
        async with in_transaction(client.connection_name) as tx:
            await tx.execute_query(create)
            await tx.execute_query(f'INSERT INTO "{new}" SELECT * FROM "{table}"')  # nosec B608
            await tx.execute_query(f'DROP TABLE "{table}"')
            await tx.execute_query(f'ALTER TABLE "{new}" RENAME TO "{table}"')
            for row in extras:
                await tx.execute_query(row["sql"])
            _, broken = await tx.execute_query("PRAGMA foreign_key_check")
            if broken:
                raise RuntimeError(f"rebuilding {table} broke foreign keys: {broken}")
    finally:
        await client.execute_script("PRAGMA foreign_keys = ON")


class AddCheck(ops.AddConstraint):
    """AddConstraint for a CHECK that rebuilds the table safely on SQLite."""

    def __init__(self, model_name: str, table: str, constraint: CheckConstraint) -> None:
        super().__init__(model_name=model_name, constraint=constraint)
        self.table = table
        self.clause = f'CONSTRAINT "{constraint.name}" CHECK ({constraint.check})'

    async def _apply(self, state_editor, add: bool) -> None:  # type: ignore[no-untyped-def]
        client = state_editor.client
        if client.capabilities.dialect == "sqlite":
            await _sqlite_rebuild(client, self.table, self.clause, add)
            return
        async with in_transaction(client.connection_name) as tx:
            # IF EXISTS: a rerun after a later step failed finds this one made already
            table, name = self.table, self.constraint.name
            await tx.execute_script(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"')
            if add:
                await tx.execute_script(f'ALTER TABLE "{self.table}" ADD {self.clause}')

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):  # type: ignore[no-untyped-def]
        if state_editor is not None:
            await self._apply(state_editor, add=True)

    async def database_backward(self, app_label, old_state, new_state, state_editor=None):  # type: ignore[no-untyped-def]
        if state_editor is not None:
            await self._apply(state_editor, add=False)


class Migration(migrations.Migration):
    dependencies = [("taocity", "0006_offerings_by_listing")]

    initial = False
    atomic = False  # see the module's docstring: each step is a transaction of its own

    operations = [
        AddCheck(
            model_name="Slot",
            table="booking_slots",
            constraint=CheckConstraint(
                check="taken >= 0 AND taken <= capacity", name="booking_slots_taken_in_capacity"
            ),
        ),
        AddCheck(
            model_name="Offering",
            table="offerings",
            constraint=CheckConstraint(check="stock >= 0", name="offerings_stock_not_negative"),
        ),
    ]
