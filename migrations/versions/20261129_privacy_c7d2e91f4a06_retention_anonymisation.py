"""privacy: retention settings per event, sensitive questions, anonymisation markers

Revision ID: c7d2e91f4a06
Revises: 3f6d1c8a2e57
Create Date: 2026-11-29 17:00:00
"""
from alembic import op
import sqlalchemy as sa



revision = 'c7d2e91f4a06'
down_revision = '3f6d1c8a2e57'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'retention_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('months_after_end', sa.Integer(), nullable=False),
        sa.Column('sensitive_days_after_end', sa.Integer(), nullable=False),
        sa.Column('erasure_days', sa.Integer(), nullable=False, server_default='14'),
        sa.Column('automatic', sa.Boolean(), nullable=False),
        sa.Column('last_run_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_run_count', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event_id'),
    )
    op.create_table(
        'erasure_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.Enum('unconfirmed', 'pending', 'held', 'completed',
                                   name='erasurestate', native_enum=False, length=15),
                  nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('link_expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('hold_reason', sa.String(length=500), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_erasure_request_event_id', 'erasure_request', ['event_id'])
    op.create_index('ix_erasure_request_registration_id', 'erasure_request',
                    ['registration_id'])
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
    op.drop_index('ix_erasure_request_registration_id', table_name='erasure_request')
    op.drop_index('ix_erasure_request_event_id', table_name='erasure_request')
    op.drop_table('erasure_request')
    op.drop_table('retention_settings')
