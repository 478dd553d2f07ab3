"""send_rates: the next free send slot per platform, shared by every process on one database

Revision ID: 0006_i18
Revises: 0005_i14
Create Date: 2026-12-02 00:25:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0006_i18'
down_revision = '0005_i14'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'send_rates',
        sa.Column('name', sa.String(length=50), nullable=False),
        sa.Column('next_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('send_rates')
