"""stamps: a counter per kind of cached data

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 11:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    stamps = op.create_table(
        'stamps',
        sa.Column('name', sa.String(length=50), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    op.bulk_insert(stamps, [{'name': 'structure', 'value': 0}])


def downgrade() -> None:
    op.drop_table('stamps')
