"""Row seals: complaints, their second bureaus and oversight cases carry an HMAC of what the public is shown (portal.record.seals).

Revision ID: 0023_row_seals
Revises: 0022_second_bureau
Create Date: 2026-12-01 18:10:00

The seal's key is derived from the record's signing key, which lives outside the database, so the migration
cannot compute seals: existing rows are left unsealed and ``flask ledger seal --unsealed`` (run by ``make db``
after the upgrade) seals them once. Downgrading drops the seals only.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_row_seals'
down_revision = '0022_second_bureau'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seal', sa.String(length=80), nullable=True))
    with op.batch_alter_table('escalation_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seal', sa.String(length=80), nullable=True))
    with op.batch_alter_table('second_bureaus', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seal', sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table('second_bureaus', schema=None) as batch_op:
        batch_op.drop_column('seal')
    with op.batch_alter_table('escalation_cases', schema=None) as batch_op:
        batch_op.drop_column('seal')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_column('seal')
