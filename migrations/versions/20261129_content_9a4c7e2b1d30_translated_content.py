"""content: organizers' texts per language (TEXT columns holding JSON), and event languages

Revision ID: 9a4c7e2b1d30
Revises: 5b8e2d4f6a13
Create Date: 2026-11-29 16:00:00

Existing values stay as they are: a plain string means "the same in every language"
(``conference.content.LocalizedText``), so no row needs rewriting. The columns only become
TEXT, since a JSON object with several languages outgrows the old VARCHAR lengths.
"""
from alembic import op
import sqlalchemy as sa


revision = '9a4c7e2b1d30'
down_revision = '5b8e2d4f6a13'
branch_labels = None
depends_on = None

#: table -> [(column, old type, nullable)]
COLUMNS = {
    'event': [('name', sa.String(200)), ('venue_name', sa.String(200)), ('description', sa.Text())],
    'ticket_type': [('name', sa.String(120)), ('description', sa.Text())],
    'question': [('label', sa.String(300)), ('help_text', sa.String(500))],
    'room': [('name', sa.String(120))],
    'track': [('name', sa.String(120))],
    'session': [('title', sa.String(300)), ('abstract', sa.Text())],
    'checkpoint': [('name', sa.String(120))],
    'cfp_settings': [('guidelines', sa.Text())],
    'review_criterion': [('name', sa.String(120)), ('description', sa.String(500))],
    'decision_template': [('subject', sa.String(300)), ('body', sa.Text())],
}


def upgrade():
    with op.batch_alter_table('event') as batch:
        batch.add_column(sa.Column('languages', sa.String(length=60), nullable=False,
                                   server_default='pl,en'))
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column, old_type in columns:
                if not isinstance(old_type, sa.Text):
                    batch.alter_column(column, type_=sa.Text(), existing_type=old_type)
    # An event's default language is one of its languages.
    op.execute("UPDATE event SET languages = language || ',' || "
               "CASE WHEN language = 'en' THEN 'pl' ELSE 'en' END")


def downgrade():
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column, old_type in columns:
                if not isinstance(old_type, sa.Text):
                    batch.alter_column(column, type_=old_type, existing_type=sa.Text())
    with op.batch_alter_table('event') as batch:
        batch.drop_column('languages')
