"""privacy: retention settings per event, sensitive questions, anonymisation markers

Revision ID: c7d2e91f4a06
Revises: c3e7a91f5b20
Create Date: 2026-11-29 17:00:00
"""
from alembic import op
import sqlalchemy as sa



revision = 'c7d2e91f4a06'
down_revision = 'c3e7a91f5b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'retention_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('months_after_end', sa.Integer(), nullable=False),
        sa.Column('sensitive_days_after_end', sa.Integer(), nullable=False),
        sa.Column('automatic', sa.Boolean(), nullable=False),
        sa.Column('last_run_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_run_count', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event_id'),
    )
    with op.batch_alter_table('question') as batch:
        batch.add_column(sa.Column('sensitive', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table('registration') as batch:
        batch.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('sensitive_removed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('registration') as batch:
        batch.drop_column('sensitive_removed_at')
        batch.drop_column('anonymised_at')
    with op.batch_alter_table('question') as batch:
        batch.drop_column('sensitive')
    op.drop_table('retention_settings')
