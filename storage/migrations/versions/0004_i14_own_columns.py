"""own columns: a ledger's columns as in its file, and each item's other cells

Revision ID: 0004_i14
Revises: 0003
Create Date: 2026-12-02 00:15:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0004_i14'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ledgers') as batch:
        batch.add_column(sa.Column('columns', sa.JSON(), nullable=True))
    with op.batch_alter_table('items') as batch:
        batch.add_column(sa.Column('extra', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('items') as batch:
        batch.drop_column('extra')
    with op.batch_alter_table('ledgers') as batch:
        batch.drop_column('columns')
