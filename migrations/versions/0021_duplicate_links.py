"""Duplicate links: a complaint handled together with its master (the same problem in the same place).

Revision ID: 0021_duplicate_links
Revises: 0019_support_and_duplicates
Create Date: 2026-12-01 17:55:00

The link itself is one nullable column; why and by whom it was made is on the record (events
``linked_duplicate`` / ``unlinked_duplicate``), so downgrading loses no history, only the current links.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_duplicate_links'
down_revision = '0019_support_and_duplicates'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_complaints_duplicate_of_id'), ['duplicate_of_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_complaints_duplicate_of_id_complaints'), 'complaints', ['duplicate_of_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_complaints_duplicate_of_id_complaints'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_complaints_duplicate_of_id'))
        batch_op.drop_column('duplicate_of_id')
