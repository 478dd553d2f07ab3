"""outbox lease and give-up

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 10:30:00
"""
from alembic import op
import sqlalchemy as sa

from storage.types import UtcDateTime

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('claimed_until', UtcDateTime(), nullable=True))
        batch.add_column(sa.Column('dead_at', UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('dead_at')
        batch.drop_column('claimed_until')
