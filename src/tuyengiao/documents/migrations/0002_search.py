"""Accent-insensitive search indexes (PostgreSQL only; other databases search in Python).

``unaccent()`` is only STABLE, so indexes go through an IMMUTABLE wrapper. The tsvector
expression below must stay identical to ``documents.search.search_vector_sql()`` for the planner
to use the index.
"""

from django.db import migrations


def _part(expression, weight):
    return f"setweight(to_tsvector('simple'::regconfig, immutable_unaccent(lower({expression}))), '{weight}')"


KIND_WORDS = {
    "resolution": "nghi quyet", "directive": "chi thi", "conclusion": "ket luan", "regulation": "quy dinh",
    "guidance": "huong dan", "plan": "ke hoach", "report": "bao cao", "notice": "thong bao",
    "official_letter": "cong van", "orientation": "dinh huong",
}
IDENTITY = (
    "coalesce(symbol, '') || ' ' || translate(coalesce(symbol, ''), '/-', '  ') || ' ' || "
    "coalesce(number, '') || ' ' || (CASE kind "
    + " ".join(f"WHEN '{kind}' THEN '{words}'" for kind, words in KIND_WORDS.items())
    + " ELSE '' END)"
)
VECTOR = "(" + " || ".join([
    _part("coalesce(title, '')", "A"),
    _part(IDENTITY, "A"),
    _part("coalesce(summary, '')", "B"),
    _part("regexp_replace(coalesce(body, ''), '<[^>]*>', ' ', 'g')", "C"),
]) + ")"

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE OR REPLACE FUNCTION immutable_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$",
    "CREATE INDEX IF NOT EXISTS documents_document_title_trgm ON documents_document "
    "USING gin (immutable_unaccent(lower(title)) gin_trgm_ops)",
    f"CREATE INDEX IF NOT EXISTS documents_document_search ON documents_document USING gin ({VECTOR})",
]
BACKWARD = [
    "DROP INDEX IF EXISTS documents_document_search",
    "DROP INDEX IF EXISTS documents_document_title_trgm",
    "DROP FUNCTION IF EXISTS immutable_unaccent(text)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
