"""wrong binding codes (to lock guessing) and the audit log of administrative acts

Revision ID: 0004_i17
Revises: 0003
Create Date: 2026-12-02 00:20:00
"""
from alembic import op
import sqlalchemy as sa

from storage.types import UtcDateTime

revision = '0004_i17'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'bind_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform', sa.String(length=20), nullable=False),
        sa.Column('user_id', sa.String(length=100), nullable=False),
        sa.Column('chat_id', sa.String(length=100), nullable=False),
        sa.Column('at', UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_bind_failures_user_id'), 'bind_failures', ['user_id'], unique=False)
    op.create_index(op.f('ix_bind_failures_chat_id'), 'bind_failures', ['chat_id'], unique=False)
    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', UtcDateTime(), nullable=False),
        sa.Column('actor', sa.String(length=200), nullable=False),
        sa.Column('action', sa.String(length=50), nullable=False),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_audit_log_at'), 'audit_log', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_audit_log_at'), table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_index(op.f('ix_bind_failures_chat_id'), table_name='bind_failures')
    op.drop_index(op.f('ix_bind_failures_user_id'), table_name='bind_failures')
    op.drop_table('bind_failures')
