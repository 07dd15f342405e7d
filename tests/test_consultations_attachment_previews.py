"""The staff detail page (shared by every request type) shows image files as inline
previews served through the same access-checked attachment view; other files stay links."""

import secrets

from portal.consultations.demo import sample_booking
from portal.consultations.models import StaffServicePoint
from portal.core import storage
from portal.core.models import Attachment
from portal.extensions import db

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000000000005000157a1d7440000000049454e44ae426082"
)


def attach(app, booking, name, content_type, body):
    """A file as the portal stores one: a random key in the configured store."""
    file = Attachment(
        request_id=booking.id,
        stored_name=secrets.token_hex(16) + ".bin",
        original_name=name,
        content_type=content_type,
        size=len(body),
    )
    storage.current().put(file.stored_name, body, content_type)
    db.session.add(file)
    db.session.commit()
    return file


def test_images_are_previewed_inline_and_other_files_stay_links(app, client, make_client, make_staff):
    booking = sample_booking()
    db.session.commit()
    desk = make_staff("desk", "consultation_desk")
    db.session.add(StaffServicePoint(user_id=desk.id, service_point_id=booking.service_point_id))
    db.session.commit()
    photo = attach(app, booking, "欠条照片.png", "image/png", PNG)
    paper = attach(app, booking, "合同.pdf", "application/pdf", b"%PDF-1.4\n")
    client.sign_in("desk")
    page = client.get(f"/staff/requests/{booking.reference}").get_data(as_text=True)
    photo_url = f"/staff/requests/{booking.reference}/attachments/{photo.id}"
    assert f'<img src="{photo_url}" alt="欠条照片.png"' in page
    assert f"/attachments/{paper.id}" in page and 'alt="合同.pdf"' not in page
    served = client.get(photo_url)
    assert served.status_code == 200 and served.data == PNG
    # The preview is the same access-checked view: someone without access gets nothing.
    stranger = make_client()
    make_staff("other", "legal_aid_officer")
    stranger.sign_in("other")
    assert stranger.get(photo_url).status_code in (403, 404)
