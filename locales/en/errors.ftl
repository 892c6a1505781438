### Error pages and error summaries.
### Language: English. Keys: see the module doc of src/i18n.rs.

## Errors

error-title_prefix = Error:
error-summary_title = There is a problem
error-prefix = Error:
error-not_found_h1 = Page not found
error-not_found = This page does not exist. Check the address, or go back to the home page.
error-conversation_not_found_h1 = Conversation not found
error-conversation_not_found = This conversation does not exist. Perhaps the link was not copied in full, or the conversation has been deleted.
error-forbidden_h1 = No access
error-forbidden = You do not have access to this page.
error-bad_request_h1 = Something went wrong
error-csrf = The form had expired. Go back, reload the page and try again.
error-server_h1 = Something went wrong on our side
error-server = That did not work. Nothing you sent was lost. Please try again in a few minutes.
error-too_large = What you sent is too large.
error-too_many_h1 = No new conversation for a moment
error-too_many = Many conversations or messages were started from this device or network in a short time. So you cannot start a new conversation or message for a moment. Please try again in 10 minutes. Do you already have a conversation? Then go back to it. You can also call us.
