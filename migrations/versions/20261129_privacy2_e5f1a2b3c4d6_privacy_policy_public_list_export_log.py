"""privacy2: privacy policy versions, public-list switch, export log, funder reports

Revision ID: e5f1a2b3c4d6
Revises: c7d2e91f4a06
Create Date: 2026-11-29 16:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5f1a2b3c4d6'
down_revision = 'c7d2e91f4a06'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'privacy_policy_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('controller_name', sa.String(length=200), nullable=False),
        sa.Column('controller_address', sa.String(length=500), nullable=False),
        sa.Column('controller_contact', sa.String(length=254), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'],
                                name=op.f('fk_privacy_policy_version_event_id_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['published_by_id'], ['user.id'],
                                name=op.f('fk_privacy_policy_version_published_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_policy_version')),
        sa.UniqueConstraint('event_id', 'number', name='uq_privacy_policy_version_number'),
    )
    op.create_index(op.f('ix_privacy_policy_version_event_id'), 'privacy_policy_version',
                    ['event_id'], unique=False)
    op.create_table(
        'privacy_settings',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('public_list_enabled', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'],
                                name=op.f('fk_privacy_settings_event_id_event'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_privacy_settings')),
    )
    op.create_table(
        'export_log_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('user_email', sa.String(length=254), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=True),
        sa.Column('event_slug', sa.String(length=80), nullable=False),
        sa.Column('what', sa.String(length=80), nullable=False),
        sa.Column('filters', sa.Text(), nullable=False),
        sa.Column('row_count', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'],
                                name=op.f('fk_export_log_entry_event_id_event'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_export_log_entry_user_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_log_entry')),
    )
    op.create_index(op.f('ix_export_log_entry_at'), 'export_log_entry', ['at'], unique=False)
    op.create_index(op.f('ix_export_log_entry_user_id'), 'export_log_entry', ['user_id'],
                    unique=False)
    op.create_index(op.f('ix_export_log_entry_event_id'), 'export_log_entry', ['event_id'],
                    unique=False)
    op.create_table(
        'funder_report_settings',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('funder_name', sa.Text(), nullable=False),
        sa.Column('funder_logo_filename', sa.String(length=200), nullable=True),
        sa.Column('organisation_types', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'],
                                name=op.f('fk_funder_report_settings_event_id_event'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_funder_report_settings')),
    )
    with op.batch_alter_table('registration') as batch:
        batch.add_column(sa.Column('organisation_type', sa.String(length=100), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('privacy_policy_version_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_registration_privacy_policy_version_id'),
                           ['privacy_policy_version_id'], unique=False)
        batch.create_foreign_key(
            batch.f('fk_registration_privacy_policy_version_id_privacy_policy_version'),
            'privacy_policy_version', ['privacy_policy_version_id'], ['id'],
            ondelete='RESTRICT')


def downgrade():
    with op.batch_alter_table('registration') as batch:
        batch.drop_constraint(
            batch.f('fk_registration_privacy_policy_version_id_privacy_policy_version'),
            type_='foreignkey')
        batch.drop_index(batch.f('ix_registration_privacy_policy_version_id'))
        batch.drop_column('privacy_policy_version_id')
        batch.drop_column('organisation_type')
    op.drop_table('funder_report_settings')
    op.drop_index(op.f('ix_export_log_entry_event_id'), table_name='export_log_entry')
    op.drop_index(op.f('ix_export_log_entry_user_id'), table_name='export_log_entry')
    op.drop_index(op.f('ix_export_log_entry_at'), table_name='export_log_entry')
    op.drop_table('export_log_entry')
    op.drop_table('privacy_settings')
    op.drop_index(op.f('ix_privacy_policy_version_event_id'), table_name='privacy_policy_version')
    op.drop_table('privacy_policy_version')
