"""Contact details encrypted at rest: name, phone and e-mail sealed together; a log of every reveal to staff.

Existing rows are sealed on the way up, and opened back into the three plain columns on the way down (the log of
reveals goes with the downgrade). The sealing format is portal.privacy.sealing's version 1, spelt out here so
that this revision never changes with the code: a Fernet token of the JSON
{"v": 1, "code": <tracking code>, "name", "phone", "email"}. The keys are the app's: CONTACT_KEYS (newest first)
or the key file (instance/contact_keys, one key a line, newest first), generated here if rows need sealing and
there is none yet.

Revision ID: 0011_contact_encryption
Revises: 0010_intake_challenges
Create Date: 2026-12-01 13:01:15.341375

"""
import json
import os
from pathlib import Path

from alembic import op
from cryptography.fernet import Fernet, MultiFernet
from flask import current_app
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_contact_encryption'
down_revision = '0010_intake_challenges'
branch_labels = None
depends_on = None

complaints = sa.table(
    'complaints',
    sa.column('id', sa.Integer),
    sa.column('tracking_code', sa.String),
    sa.column('contact_name', sa.String),
    sa.column('contact_phone', sa.String),
    sa.column('contact_email', sa.String),
    sa.column('contact_encrypted', sa.Text),
)


def _key_file():
    return Path(current_app.config.get('CONTACT_KEY_FILE') or os.path.join(current_app.instance_path, 'contact_keys'))


def _split(text):
    return [key.strip() for key in text.replace('\n', ',').split(',') if key.strip()]


def _keys(create):
    """The app's keys, newest first; with ``create``, a key file is generated if there is none."""
    configured = current_app.config.get('CONTACT_KEYS')
    if configured:
        return list(configured)
    path = _key_file()
    if not path.exists():
        if not create:
            raise RuntimeError(f'{path} is missing: the contact details cannot be opened without their key')
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: its key stands
            pass
        else:
            with os.fdopen(descriptor, 'w', encoding='ascii') as file:
                file.write(Fernet.generate_key().decode('ascii') + '\n')
                file.flush()
                os.fsync(file.fileno())
    return _split(path.read_text(encoding='ascii'))


def upgrade():
    op.create_table('contact_reveals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('triage', 'liaison', 'bureau', 'admin', name='reveal_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_contact_reveals_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'], name=op.f('fk_contact_reveals_staff_user_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_reveals'))
    )
    with op.batch_alter_table('contact_reveals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_reveals_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_reveals_staff_user_id'), ['staff_user_id'], unique=False)

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_encrypted', sa.Text(), nullable=True))

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            complaints.c.id, complaints.c.tracking_code, complaints.c.contact_name,
            complaints.c.contact_phone, complaints.c.contact_email,
        ).where(sa.or_(
            complaints.c.contact_name.is_not(None),
            complaints.c.contact_phone.is_not(None),
            complaints.c.contact_email.is_not(None),
        ))
    ).all()
    # Empty strings count as absent, as the app stores them: a row of blanks keeps no sealed value.
    rows = [row for row in rows if row.contact_name or row.contact_phone or row.contact_email]
    if rows:
        newest = Fernet(_keys(create=True)[0])
        for row in rows:
            document = {
                'v': 1,
                'code': row.tracking_code,
                'name': row.contact_name or None,
                'phone': row.contact_phone or None,
                'email': row.contact_email or None,
            }
            plain = json.dumps(document, ensure_ascii=False, separators=(',', ':')).encode('utf-8')
            connection.execute(
                complaints.update()
                .where(complaints.c.id == row.id)
                .values(contact_encrypted=newest.encrypt(plain).decode('ascii'))
            )

    # The plain columns go only after every row is sealed, in the same transaction.
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_column('contact_name')
        batch_op.drop_column('contact_email')
        batch_op.drop_column('contact_phone')


def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_phone', sa.VARCHAR(length=40), nullable=True))
        batch_op.add_column(sa.Column('contact_email', sa.VARCHAR(length=254), nullable=True))
        batch_op.add_column(sa.Column('contact_name', sa.VARCHAR(length=100), nullable=True))

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(complaints.c.id, complaints.c.tracking_code, complaints.c.contact_encrypted)
        .where(complaints.c.contact_encrypted.is_not(None))
    ).all()
    if rows:
        ring = MultiFernet([Fernet(key) for key in _keys(create=False)])
        for row in rows:
            document = json.loads(ring.decrypt(row.contact_encrypted.encode('ascii')))
            if document.get('code') != row.tracking_code:
                raise RuntimeError(f'the contact details stored with {row.tracking_code} belong to another complaint')
            connection.execute(
                complaints.update()
                .where(complaints.c.id == row.id)
                .values(
                    contact_name=document.get('name'),
                    contact_phone=document.get('phone'),
                    contact_email=document.get('email'),
                )
            )

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_column('contact_encrypted')

    with op.batch_alter_table('contact_reveals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_reveals_staff_user_id'))
        batch_op.drop_index(batch_op.f('ix_contact_reveals_complaint_id'))

    op.drop_table('contact_reveals')
