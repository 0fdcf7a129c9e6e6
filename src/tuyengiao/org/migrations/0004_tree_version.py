from django.db import migrations, models

TABLES = ("org_unit", "org_unitplacement", "org_unitsuccession")

FUNCTION = """
CREATE OR REPLACE FUNCTION org_tree_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO org_treeversion (id, xact) VALUES (1, pg_current_xact_id()::text::bigint)
    ON CONFLICT (id) DO UPDATE SET xact = EXCLUDED.xact;
    RETURN NULL;
END $$;
"""


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute("INSERT INTO org_treeversion (id, xact) VALUES (1, pg_current_xact_id()::text::bigint)")
    for table in TABLES:
        for when in ("INSERT OR UPDATE OR DELETE", "TRUNCATE"):
            name = f"{table}_touched_{'t' if when == 'TRUNCATE' else 'w'}"
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            schema_editor.execute(
                f"CREATE TRIGGER {name} AFTER {when} ON {table} FOR EACH STATEMENT EXECUTE FUNCTION org_tree_touched()"
            )


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for suffix in ("w", "t"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_touched_{suffix} ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS org_tree_touched()")


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0003_tree_change_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="TreeVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("xact", models.BigIntegerField()),
            ],
            options={"verbose_name": "tree version", "verbose_name_plural": "tree versions"},
        ),
        migrations.RunPython(install, remove),
    ]
