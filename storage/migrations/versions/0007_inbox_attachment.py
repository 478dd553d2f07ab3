"""inbox attachment: a file message's name, type and bytes, kept until it is handled, so recovery rebuilds it

Revision ID: 0007_inbox_file
Revises: 0006_i18
Create Date: 2026-12-03 00:10:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0007_inbox_file'
down_revision = '0006_i18'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inbox') as batch:
        batch.add_column(sa.Column('attachment_name', sa.Text(), nullable=True))
        batch.add_column(sa.Column('attachment_type', sa.Text(), nullable=True))
        batch.add_column(sa.Column('attachment_data', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('inbox') as batch:
        batch.drop_column('attachment_data')
        batch.drop_column('attachment_type')
        batch.drop_column('attachment_name')
