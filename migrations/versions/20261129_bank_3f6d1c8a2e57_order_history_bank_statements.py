"""bank: order history, amounts received, reminders and deadlines, bank statement imports

Revision ID: 3f6d1c8a2e57
Revises: 15d8cd8678b9
Create Date: 2026-11-29 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f6d1c8a2e57'
down_revision = '15d8cd8678b9'
branch_labels = None
depends_on = None

ORDER_STATES = ('free', 'unpaid', 'partially_paid', 'paid', 'refunded', 'cancelled')


def upgrade():
    with op.batch_alter_table('payment_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('amount_paid', sa.Numeric(precision=10, scale=2),
                                      nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('reminder_sent_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('overdue_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_payment_order_token'), ['token'])
    with op.batch_alter_table('payment_order', schema=None) as batch_op:
        batch_op.alter_column('amount_paid', server_default=None)
    # Orders already paid before history existed received their full amount.
    op.execute("UPDATE payment_order SET amount_paid = amount WHERE state = 'paid'")

    with op.batch_alter_table('bank_transfer_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_days', sa.Integer(), nullable=False,
                                      server_default='3'))
    with op.batch_alter_table('bank_transfer_settings', schema=None) as batch_op:
        batch_op.alter_column('reminder_days', server_default=None)

    op.create_table(
        'order_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('amount', sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column('state', sa.Enum(*ORDER_STATES, name='orderstate', native_enum=False,
                                   length=18), nullable=False),
        sa.Column('method', sa.String(length=30), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['payment_order.id'],
                                name=op.f('fk_order_event_order_id_payment_order'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_order_event_user_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_order_event')),
    )
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_event_order_id'), ['order_id'], unique=False)

    op.create_table(
        'statement_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('file_format', sa.String(length=10), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('credits', sa.Integer(), nullable=False),
        sa.Column('new', sa.Integer(), nullable=False),
        sa.Column('duplicates', sa.Integer(), nullable=False),
        sa.Column('matched', sa.Integer(), nullable=False),
        sa.Column('review', sa.Integer(), nullable=False),
        sa.Column('debits', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'],
                                name=op.f('fk_statement_import_event_id_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'],
                                name=op.f('fk_statement_import_uploaded_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_import')),
    )
    with op.batch_alter_table('statement_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_import_event_id'), ['event_id'],
                              unique=False)

    op.create_table(
        'bank_transaction',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=True),
        sa.Column('bank_id', sa.String(length=100), nullable=False),
        sa.Column('booked_on', sa.Date(), nullable=False),
        sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('payer_name', sa.String(length=200), nullable=False),
        sa.Column('payer_account', sa.String(length=40), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('state', sa.Enum('matched', 'review', 'assigned', 'ignored',
                                   name='transactionstate', native_enum=False, length=12),
                  nullable=False),
        sa.Column('reason', sa.Enum('partial', 'overpaid', 'order_not_open', 'currency',
                                    'unknown', name='reviewreason', native_enum=False,
                                    length=18), nullable=True),
        sa.Column('order_id', sa.Integer(), nullable=True),
        sa.Column('suggested_order_id', sa.Integer(), nullable=True),
        sa.Column('resolved_by_id', sa.Integer(), nullable=True),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'],
                                name=op.f('fk_bank_transaction_event_id_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['import_id'], ['statement_import.id'],
                                name=op.f('fk_bank_transaction_import_id_statement_import'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['order_id'], ['payment_order.id'],
                                name=op.f('fk_bank_transaction_order_id_payment_order'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['suggested_order_id'], ['payment_order.id'],
                                name=op.f('fk_bank_transaction_suggested_order_id_payment_order'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id'],
                                name=op.f('fk_bank_transaction_resolved_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_transaction')),
        sa.UniqueConstraint('event_id', 'bank_id', name='uq_bank_transaction_bank_id'),
    )
    with op.batch_alter_table('bank_transaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_transaction_event_id'), ['event_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_bank_transaction_import_id'), ['import_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_bank_transaction_order_id'), ['order_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_bank_transaction_state'), ['state'], unique=False)

    op.create_table(
        'statement_csv_mapping',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('date_column', sa.String(length=100), nullable=False),
        sa.Column('amount_column', sa.String(length=100), nullable=False),
        sa.Column('title_column', sa.String(length=100), nullable=False),
        sa.Column('payer_column', sa.String(length=100), nullable=False),
        sa.Column('account_column', sa.String(length=100), nullable=False),
        sa.Column('id_column', sa.String(length=100), nullable=False),
        sa.Column('currency_column', sa.String(length=100), nullable=False),
        sa.Column('default_currency', sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'],
                                name=op.f('fk_statement_csv_mapping_event_id_event'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_statement_csv_mapping')),
    )


def downgrade():
    op.drop_table('statement_csv_mapping')
    with op.batch_alter_table('bank_transaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_transaction_state'))
        batch_op.drop_index(batch_op.f('ix_bank_transaction_order_id'))
        batch_op.drop_index(batch_op.f('ix_bank_transaction_import_id'))
        batch_op.drop_index(batch_op.f('ix_bank_transaction_event_id'))
    op.drop_table('bank_transaction')
    with op.batch_alter_table('statement_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_import_event_id'))
    op.drop_table('statement_import')
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_event_order_id'))
    op.drop_table('order_event')
    with op.batch_alter_table('bank_transfer_settings', schema=None) as batch_op:
        batch_op.drop_column('reminder_days')
    with op.batch_alter_table('payment_order', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_payment_order_token'), type_='unique')
        batch_op.drop_column('token')
        batch_op.drop_column('overdue_at')
        batch_op.drop_column('reminder_sent_at')
        batch_op.drop_column('amount_paid')
