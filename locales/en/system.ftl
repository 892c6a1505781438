### System messages in a conversation, stored as `key|name` and shown in the reader's language.
### Language: English. Keys: see the module doc of src/i18n.rs.

## System messages

sys-agent_joined = { $name } has joined the conversation.
sys-agent_lost = The connection to the employee was lost. You are back at the front of the queue. The conversation so far is kept.
sys-agent_lost_named = The connection with { $name } was lost. You are back at the front of the queue. The conversation so far is kept.
sys-ended_by_resident = The resident ended the conversation.
sys-ended_by_you = You ended the conversation.
sys-ended_by_agent = { $name } ended the conversation.
sys-abandoned = Stopped waiting.
sys-restarted = The system restarted. You are back in the queue.
sys-interpreter_requested = { $name } asked for a sign language interpreter to join.
sys-agent_requested = { $name } asked for an employee to join.
sys-joined_call = { $name } has joined the video call.
sys-left_call = { $name } has left the video call.
sys-left_call_lost = The connection with { $name } was lost. Someone else is being looked for.
sys-request_withdrawn = The request to add someone was withdrawn.
sys-agent_logged_out = The employee has signed off and put your conversation back in the queue. You are at the front again. The conversation so far is kept.
sys-overflowed = Nobody was available for your topic, so another employee will help you. You keep your place in the order of arrival.
sys-reassigned = A team leader has moved your question to another queue. You keep your place in the order of arrival.
