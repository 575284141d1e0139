-- Calendly sends no order: an invitee's cancellation can arrive before its booking. The
-- cancellation is then kept as a booking row without a meeting (canceled_at set), so the booking
-- that follows finds it and makes no meeting for an appointment that no longer exists.
ALTER TABLE calendly_bookings ALTER COLUMN meeting_id DROP NOT NULL;
