"""pay: orders with a transfer reference, and each event's bank-transfer settings

Revision ID: 5b8e2d4f6a13
Revises: 053b7d868fb4
Create Date: 2026-11-29 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b8e2d4f6a13'
down_revision = '053b7d868fb4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'payment_order',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('payer_name', sa.String(length=200), nullable=False),
        sa.Column('payer_email', sa.String(length=254), nullable=False),
        sa.Column('payer_organization', sa.String(length=200), nullable=False),
        sa.Column('amount', sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('reference', sa.String(length=20), nullable=False),
        sa.Column('method', sa.String(length=30), nullable=False),
        sa.Column('state', sa.Enum('free', 'unpaid', 'partially_paid', 'paid', 'refunded',
                                   'cancelled', name='orderstate', native_enum=False,
                                   length=18), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'],
                                name=op.f('fk_payment_order_event_id_event'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_order')),
        sa.UniqueConstraint('event_id', 'reference', name='uq_payment_order_reference'),
    )
    with op.batch_alter_table('payment_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_order_event_id'), ['event_id'], unique=False)

    op.create_table(
        'bank_transfer_settings',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('payee_name', sa.String(length=140), nullable=False),
        sa.Column('iban', sa.String(length=34), nullable=False),
        sa.Column('bank_name', sa.String(length=140), nullable=False),
        sa.Column('bic', sa.String(length=11), nullable=False),
        sa.Column('deadline_days', sa.Integer(), nullable=False),
        sa.Column('deadline_action', sa.Enum('cancel', 'flag', name='deadlineaction',
                                             native_enum=False, length=10), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'],
                                name=op.f('fk_bank_transfer_settings_event_id_event'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_bank_transfer_settings')),
    )

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('order_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_registration_order_id'), ['order_id'], unique=False)
        batch_op.create_foreign_key(op.f('fk_registration_order_id_payment_order'), 'payment_order',
                                    ['order_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_registration_order_id_payment_order'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_registration_order_id'))
        batch_op.drop_column('order_id')
    op.drop_table('bank_transfer_settings')
    with op.batch_alter_table('payment_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_order_event_id'))
    op.drop_table('payment_order')
