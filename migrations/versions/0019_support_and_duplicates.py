"""Support ("me too"): a count per complaint, and the day's marks (HMACs, deleted after the day).

Revision ID: 0019_support_and_duplicates
Revises: 0020_fix_photos_reply_quality
Create Date: 2026-12-01 15:20:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0019_support_and_duplicates'
down_revision = '0020_fix_photos_reply_quality'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('support_tallies',
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('supporters', sa.Integer(), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_support_tallies_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('complaint_id', name=op.f('pk_support_tallies'))
    )
    op.create_table('support_marks',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_support_marks'))
    )
    with op.batch_alter_table('support_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_marks_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('support_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_marks_expires_at'))
    op.drop_table('support_marks')
    op.drop_table('support_tallies')
