### Video calls: starting one, the call area, real-time text.
### Language: English. Keys: see the module doc of src/i18n.rs.

## Starting a video call

video-title_interpreter = Video call with a sign language interpreter
video-title_employee = Video call with an employee
video-intro_employee = You see and hear our employee, and you can also type. A sign language interpreter can join during the call.
video-other_employee = Rather call an employee, without an interpreter?
video-other_interpreter = Rather call with a sign language interpreter?
video-noscript = Video calls need JavaScript. You can chat instead.
video-chat_instead = Go to the chat
video-devices_h = Check your camera and microphone
video-devices_intro = You can first see whether your camera and microphone work, and choose which ones to use. This is optional.
video-check = Check camera and microphone
video-preview_label = Picture from your camera
video-preview_ok = Your camera and microphone work. You can see yourself below.
video-preview_refused = You did not allow the camera and microphone. Allow them in your browser's settings. You can also call without a picture and type.
video-preview_none = No camera or microphone was found. You can still call: you will see the others and can type.
video-default_device = Default
video-camera = Camera
video-microphone = Microphone
video-mic_level = Sound from your microphone
video-question = What is your question about?
video-start = Start the video call

## Call area

call-h2 = Video call
call-active_h1 = Video call with { $name }
call-waiting = The video call starts as soon as an interpreter or employee answers.
call-connecting = Connecting the video call.
call-connected = The video call is connected.
call-failed = The video connection was lost. You can keep typing below. Reload the page to get the picture back.
call-alone = Nobody else is in the call right now.
call-no_media = No camera or microphone was found. You still see and hear the others, and you can type below.
call-media_refused = You did not allow the camera and microphone, so the others cannot see or hear you. You can type below. Allow them in your browser and reload the page to use them.
call-no_camera = No camera was found: the others hear you but cannot see you.
call-no_microphone = No microphone was found: the others see you but cannot hear you.
call-mute = Microphone off
call-camera_off = Camera off
call-mic_is_off = Your microphone is off.
call-mic_is_on = Your microphone is on.
call-cam_is_off = Your camera is off.
call-cam_is_on = Your camera is on.
call-start_sound = Turn on sound
call-hang_up = Hang up
call-panel = Messages and text
call-panel_new = new
call-pin_short = Show large
# The page gets this text with {name} left in; the browser script fills it in, so no plural variants here.
call-cam_off_of = { $name }: camera is off
# The page gets this text with {name} left in; the browser script fills it in, so no plural variants here.
call-no_picture_of = No picture from { $name }
call-participants = Participants
call-controls = Call controls
call-self = You
call-self_video = Your own picture
# The page gets this text with {name} left in; the browser script fills it in, so no plural variants here.
call-pin = Show large: { $name }
# The page gets this text with {name} left in; the browser script fills it in, so no plural variants here.
call-video_of = Video of { $name }
call-speaking = speaking
call-signing = signing or moving
call-someone = Someone
call-role_resident = resident
call-role_agent = employee
call-sender_interpreter = { $name } (sign language interpreter)
call-role_interpreter = sign language interpreter
call-noscript = Video calls need JavaScript. You can still type below.
call-join_failed = The video call could not be connected. Reload the page to try again.
call-not_yet = The video call starts as soon as someone answers.
call-not_joined = Join the call first.
call-not_a_call = This conversation is not a video call.
call-invite = A sign language interpreter is joining this conversation by video.
call-invite_join = Go to the video call

## Real-time text

rtt-h = Being typed now
rtt-hint = What the others type appears here as they type. They see your text at once too. Press Enter to send the line.
rtt-empty = Nobody is typing right now.

## The sign-language channel, explained in steps and in Dutch Sign Language (NGT)

ngt-step_camera = Turn on your camera.
ngt-step_interpreter = An interpreter signs with you.
ngt-step_employee = The interpreter speaks for you with an employee.
ngt-step_type = You can also type.
ngt-label = Explanation in Dutch Sign Language
ngt-captions = Dutch
ngt-figcaption = Explanation in Dutch Sign Language (NGT), with captions.
# Said to the one whose own line is too weak (received video stalls with heavy loss, or the browser cannot send smoothly).
call-weak_line = Your connection is too weak for smooth video. The picture may freeze. You can also type under Messages and text.
call-line_ok = Your connection is good again. The video is smooth again.
