"""Photos held across a form that came back with an error, so the citizen need not attach them again.

Revision ID: 0018_held_photos
Revises: 0017_receipt_copies
Create Date: 2026-12-01 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_held_photos'
down_revision = '0017_receipt_copies'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('held_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch', sa.String(length=64), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=80), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_photos'))
    )
    with op.batch_alter_table('held_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_held_photos_batch'), ['batch'], unique=False)
        batch_op.create_index(batch_op.f('ix_held_photos_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_held_photos_owner'), ['owner'], unique=False)


def downgrade():
    with op.batch_alter_table('held_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_held_photos_owner'))
        batch_op.drop_index(batch_op.f('ix_held_photos_expires_at'))
        batch_op.drop_index(batch_op.f('ix_held_photos_batch'))
    op.drop_table('held_photos')
