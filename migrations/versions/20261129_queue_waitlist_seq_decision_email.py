"""queue: waiting-list numbers taken under the seat lock; decision emails of a proposal

Revision ID: 7c1e5a9d2b40
Revises: 3022ea9669d4
Create Date: 2026-11-29 13:00:00

Registrations already on a waiting list get numbers in the order the list had until now
(when their state changed, then id), and each event's counter continues after them.
Decision emails held before this revision are not linked to their proposal (the link
cannot be recovered reliably): they are released with "release all" as before.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e5a9d2b40'
down_revision = '3022ea9669d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waitlist_counter', sa.Integer(), server_default='0',
                                      nullable=False))
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waitlist_seq', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint('uq_registration_waitlist_seq',
                                          ['event_id', 'waitlist_seq'])

    op.create_table('decision_email',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['outbox_message.id'], name=op.f('fk_decision_email_message_id_outbox_message'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_decision_email_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', 'message_id', name=op.f('pk_decision_email'))
    )
    with op.batch_alter_table('decision_email', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_email_message_id'), ['message_id'], unique=False)

    connection = op.get_bind()
    registration = sa.table('registration', sa.column('id', sa.Integer),
                            sa.column('event_id', sa.Integer), sa.column('state', sa.String),
                            sa.column('state_changed_at', sa.DateTime),
                            sa.column('waitlist_seq', sa.Integer))
    event = sa.table('event', sa.column('id', sa.Integer),
                     sa.column('waitlist_counter', sa.Integer))
    waiting = connection.execute(
        sa.select(registration.c.id, registration.c.event_id)
        .where(registration.c.state == 'waitlisted')
        .order_by(registration.c.event_id, registration.c.state_changed_at, registration.c.id)
    ).all()
    counters: dict[int, int] = {}
    for registration_id, event_id in waiting:
        counters[event_id] = counters.get(event_id, 0) + 1
        connection.execute(registration.update().where(registration.c.id == registration_id)
                           .values(waitlist_seq=counters[event_id]))
    for event_id, last in counters.items():
        connection.execute(event.update().where(event.c.id == event_id)
                           .values(waitlist_counter=last))


def downgrade():
    with op.batch_alter_table('decision_email', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_email_message_id'))
    op.drop_table('decision_email')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint('uq_registration_waitlist_seq', type_='unique')
        batch_op.drop_column('waitlist_seq')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('waitlist_counter')
