-- R-D5: the provider did not list every attendee (Google attendeesOmitted / hidden guests, Graph hideAttendees),
-- so meeting_attendee_count is a lower bound. Null for email events.
alter table normalizer.interaction_events add column meeting_partial boolean;
