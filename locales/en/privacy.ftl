### Privacy: retention terms, the purge, the privacy officer's pages, the access log and
### the privacy statement for residents.
### Language: English.

## Retention and the purge (also used by `loket privacy purge`)

retention-dry =
    On { $date } { $count ->
        [one] 1 conversation will be deleted.
       *[other] { $shown } conversations will be deleted.
    }
retention-done =
    On { $date } { $count ->
        [one] 1 conversation was deleted.
       *[other] { $shown } conversations were deleted.
    }
retention-line_messages = - messages: { $shown }
retention-line_contacts = - names and contact details of conversations: { $shown }
retention-line_notes = - notes on conversations: { $shown }
retention-line_left = - left messages with their answers: { $shown }
retention-line_left_contacts = - names and contact details of left messages: { $shown }
retention-line_log = - lines of the access log: { $shown }
retention-days_range = Choose a number of days from 1 to 3650.
retention-log_shorter = The access log must be kept at least as long as the messages.
retention-clock = Enter a time as hh:mm, for example 03:30.
retention-kept_until = This conversation is kept until { $date }. Then its messages and contact details are deleted.
retention-kept_open = This conversation is still going on. The retention term starts when it has ended.
retention-kept_held = This conversation will not be deleted: it is under a legal hold.
retention-purged = The messages and contact details of this conversation were deleted on { $date }.

## The access log (also used by `loket privacy verify-log`)

accesslog-intact =
    The access log is intact: { $count ->
        [one] 1 line
       *[other] { $count } lines
    } checked.
accesslog-broken_link = The access log was changed: line { $id } does not follow the line before it (a line was removed or put in between).
accesslog-broken_content = The access log was changed: line { $id } was altered.
