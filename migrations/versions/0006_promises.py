"""promises, escalations, notifications

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 04:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('promises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('remind_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'kept', 'missed', 'cancelled', name='status', native_enum=False, create_constraint=True, length=9), nullable=False),
    sa.Column('kept_early', sa.Boolean(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fulfilled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fulfilled_by_message_id', sa.Integer(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['users.id'], name=op.f('fk_promises_agent_id_users')),
    sa.ForeignKeyConstraint(['fulfilled_by_message_id'], ['messages.id'], name=op.f('fk_promises_fulfilled_by_message_id_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_promises_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promises'))
    )
    with op.batch_alter_table('promises', schema=None) as batch_op:
        batch_op.create_index('ix_promises_status_remind_at', ['status', 'remind_at'], unique=False)
        batch_op.create_index('ix_promises_status_due_at', ['status', 'due_at'], unique=False)
        batch_op.create_index('ix_promises_ticket_id', ['ticket_id'], unique=False)
        batch_op.create_index('ix_promises_agent_id_created_at', ['agent_id', 'created_at'], unique=False)
        batch_op.create_index('uq_promises_pending_ticket', ['ticket_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    op.create_table('escalations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('missed_promise', 'bad_rating', 'detractor', 'negative_sentiment', 'vip', 'repeat_contact', 'manual', name='reason', native_enum=False, create_constraint=True, length=18), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'claimed', 'done', name='status', native_enum=False, create_constraint=True, length=7), nullable=False),
    sa.Column('promise_id', sa.Integer(), nullable=True),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.Column('founder_note', sa.Text(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['users.id'], name=op.f('fk_escalations_claimed_by_id_users')),
    sa.ForeignKeyConstraint(['promise_id'], ['promises.id'], name=op.f('fk_escalations_promise_id_promises')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_escalations_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalations'))
    )
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.create_index('ix_escalations_status_created_at', ['status', 'created_at'], unique=False)
        batch_op.create_index('uq_escalations_open_ticket_reason', ['ticket_id', 'reason'], unique=True, sqlite_where=sa.text("status != 'done'"), postgresql_where=sa.text("status != 'done'"))

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('promise_reminder', 'promise_missed', name='kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('promise_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['promise_id'], ['promises.id'], name=op.f('fk_notifications_promise_id_promises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_notifications_ticket_id_tickets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('promise_id', 'user_id', 'kind', name=op.f('uq_notifications_promise_id'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_id_read_at', ['user_id', 'read_at', 'created_at'], unique=False)


def downgrade():
    op.drop_table('notifications')
    op.drop_table('escalations')
    op.drop_table('promises')
